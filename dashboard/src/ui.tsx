import { createContext, DependencyList, ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { Session } from './api';

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) {
    throw new Error('useSession outside of a signed-in page');
  }
  return session;
}

/** Owners see the create, edit and delete controls; readers get read-only pages. */
export const useCanWrite = () => useSession().role === 'OWNER';

export interface Loaded<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` when the deps change (and on reload), keeping only the latest answer. */
export function useLoad<T>(load: () => Promise<T>, deps: DependencyList): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; error: string | null; loading: boolean }>({
    data: null,
    error: null,
    loading: true,
  });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (data) => current && setState({ data, error: null, loading: false }),
      (error: unknown) => current && setState({ data: null, error: messageOf(error), loading: false }),
    );
    return () => {
      current = false;
    };
  }, [...deps, round]);
  const reload = useCallback(() => setRound((value) => value + 1), []);
  return { ...state, reload };
}

/** An async action with its own busy flag and last error. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async (action: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (caught) {
      setError(messageOf(caught));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run };
}

export const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function ErrorNote({ error }: { error: string | null }) {
  return error ? (
    <p className="error" role="alert">
      {error}
    </p>
  ) : null;
}

export function Status<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ReactNode }) {
  if (loaded.error) {
    return <ErrorNote error={loaded.error} />;
  }
  if (loaded.data === null) {
    return <p className="muted">Loading…</p>;
  }
  return <>{children(loaded.data)}</>;
}

export function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label className="field">
      <span>{label}</span>
      {children}
    </label>
  );
}

export function Page({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  return (
    <section className="page">
      <header className="page-header">
        <h1>{title}</h1>
        <div className="actions">{actions}</div>
      </header>
      {children}
    </section>
  );
}

export function Pager({
  page,
  count,
  pageSize,
  onPage,
}: {
  page: number;
  count: number;
  pageSize: number;
  onPage: (page: number) => void;
}) {
  const pages = Math.max(1, Math.ceil(count / pageSize));
  return (
    <div className="pager">
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        Previous
      </button>
      <span>
        Page {page} of {pages} ({count} in all)
      </span>
      <button type="button" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        Next
      </button>
    </div>
  );
}

export const formatTime = (value: string | null | undefined) =>
  value ? new Date(value).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '—';

export function Json({ value }: { value: unknown }) {
  return <pre className="json">{JSON.stringify(value, null, 2)}</pre>;
}

/** A table with its header row; an empty header (`''`) leaves room for a column of buttons. */
export function Table({
  className,
  headers,
  children,
}: {
  className?: string;
  headers: (string | false)[];
  children: ReactNode;
}) {
  return (
    <table className={`table ${className ?? ''}`}>
      <thead>
        <tr>{headers.map((header, index) => (header === false ? null : <th key={index}>{header}</th>))}</tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}

export function StatCards({ stats }: { stats: [string, number][] }) {
  return (
    <div className="cards">
      {stats.map(([label, count]) => (
        <div className="card stat" key={label}>
          <span className="stat-value">{count}</span>
          <span className="muted">{label}</span>
        </div>
      ))}
    </div>
  );
}

export const confirmed = (question: string) => window.confirm(question);
