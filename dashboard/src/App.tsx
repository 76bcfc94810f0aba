import { FormEvent, useEffect, useState } from 'react';
import { Session, setUnauthorizedHandler, signIn, storedKey, storeKey } from './api';
import { ApiKeysPage } from './pages/ApiKeys';
import { EntitiesPage } from './pages/Entities';
import { EventsPage } from './pages/Events';
import { MembersPage } from './pages/Members';
import { MemoriesPage } from './pages/Memories';
import { MemoryPage } from './pages/Memory';
import { SearchPage } from './pages/Search';
import { SettingsPage } from './pages/Settings';
import { UsagePage } from './pages/Usage';
import { WebhooksPage } from './pages/Webhooks';
import { Link, usePath } from './router';
import { ErrorNote, Field, messageOf, SessionContext } from './ui';

const NAV: [string, string][] = [
  ['/memories', 'Memories'],
  ['/search', 'Search'],
  ['/entities', 'Entities'],
  ['/events', 'Events'],
  ['/webhooks', 'Webhooks'],
  ['/usage', 'Usage'],
  ['/settings', 'Settings'],
  ['/members', 'Members'],
  ['/keys', 'API keys'],
];

function route(path: string) {
  const memory = /^\/memories\/([^/]+)$/.exec(path);
  if (memory) {
    return <MemoryPage id={decodeURIComponent(memory[1])} />;
  }
  switch (path) {
    case '/search':
      return <SearchPage />;
    case '/entities':
      return <EntitiesPage />;
    case '/events':
      return <EventsPage />;
    case '/webhooks':
      return <WebhooksPage />;
    case '/usage':
      return <UsagePage />;
    case '/settings':
      return <SettingsPage />;
    case '/members':
      return <MembersPage />;
    case '/keys':
      return <ApiKeysPage />;
    default:
      return <MemoriesPage />;
  }
}

function SignIn({ onSignedIn, notice }: { onSignedIn: (session: Session) => void; notice: string | null }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await signIn(key.trim()));
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="sign-in">
      <form onSubmit={submit} className="card">
        <h1>Mem0 dashboard</h1>
        <p className="muted">Sign in with an API key. It is kept in this browser tab only (session storage).</p>
        {notice && <p className="notice">{notice}</p>}
        <Field label="API key">
          <input
            name="api-key"
            type="password"
            autoComplete="off"
            value={key}
            onChange={(event) => setKey(event.target.value)}
            placeholder="m0-..."
            required
          />
        </Field>
        <ErrorNote error={error} />
        <button type="submit" className="primary" disabled={busy || !key.trim()}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

export function App() {
  const path = usePath();
  const [session, setSession] = useState<Session | null>(null);
  const [restoring, setRestoring] = useState(() => storedKey() !== null);
  const [notice, setNotice] = useState<string | null>(null);

  const signOut = (message: string | null = null) => {
    storeKey(null);
    setSession(null);
    setNotice(message);
  };
  useEffect(() => {
    setUnauthorizedHandler(() => signOut('The API key is no longer valid (revoked?). Sign in again.'));
    const key = storedKey();
    if (key) {
      signIn(key)
        .then(setSession, () => signOut('The saved API key no longer works. Sign in again.'))
        .finally(() => setRestoring(false));
    }
  }, []);

  if (restoring) {
    return <p className="muted center">Loading…</p>;
  }
  if (!session) {
    return (
      <SignIn
        notice={notice}
        onSignedIn={(signedIn) => {
          storeKey(signedIn.key);
          setNotice(null);
          setSession(signedIn);
        }}
      />
    );
  }
  const active = path === '/' ? '/memories' : `/${path.split('/')[1]}`;
  return (
    <SessionContext.Provider value={session}>
      <div className="layout">
        <nav className="sidebar">
          <div className="brand">Mem0</div>
          <div className="project" title={session.projectId}>
            {session.projectName}
            <span className={`role role-${session.role.toLowerCase()}`}>{session.role}</span>
          </div>
          {NAV.map(([to, label]) => (
            <Link key={to} to={to} className={active === to ? 'active' : undefined}>
              {label}
            </Link>
          ))}
          <div className="who">
            <span>{session.email}</span>
            <button type="button" onClick={() => signOut()}>
              Sign out
            </button>
          </div>
        </nav>
        <main className="content">{route(path)}</main>
      </div>
    </SessionContext.Provider>
  );
}
