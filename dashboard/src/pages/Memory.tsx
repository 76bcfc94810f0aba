import { Fragment, useState } from 'react';
import { api, Memory } from '../api';
import { Link, navigate } from '../router';
import {
  confirmed,
  ErrorNote,
  Field,
  formatTime,
  Json,
  Page,
  Status,
  useAction,
  useCanWrite,
  useLoad,
  Table,
} from '../ui';

interface HistoryEntry {
  id: string;
  event: string;
  old_memory: string | null;
  new_memory: string | null;
  created_at: string;
}

export function MemoryPage({ id }: { id: string }) {
  const canWrite = useCanWrite();
  const path = `/v1/memories/${encodeURIComponent(id)}/`;
  const memory = useLoad(() => api<Memory>('GET', path), [id]);
  const history = useLoad(() => api<HistoryEntry[]>('GET', `${path}history/`), [id]);
  const [editing, setEditing] = useState<string | null>(null);
  const action = useAction();

  const save = async () => {
    if (await action.run(() => api('PUT', path, { text: editing }))) {
      setEditing(null);
      memory.reload();
      history.reload();
    }
  };
  const remove = async () => {
    if (confirmed('Delete this memory?') && (await action.run(() => api('DELETE', path)))) {
      navigate('/memories');
    }
  };

  return (
    <Page title="Memory" actions={<Link to="/memories">Back to memories</Link>}>
      <Status loaded={memory}>
        {(data) => (
          <div className="card">
            {editing === null ? (
              <p className="memory-text">{data.memory}</p>
            ) : (
              <Field label="Text">
                <textarea
                  name="edit-text"
                  rows={3}
                  value={editing}
                  onChange={(event) => setEditing(event.target.value)}
                />
              </Field>
            )}
            <dl className="facts">
              <dt>id</dt>
              <dd>{data.id}</dd>
              {(['user_id', 'agent_id', 'app_id', 'run_id'] as const).map((key) =>
                data[key] ? (
                  <Fragment key={key}>
                    <dt>{key}</dt>
                    <dd>{data[key]}</dd>
                  </Fragment>
                ) : null,
              )}
              <dt>categories</dt>
              <dd>{(data.categories ?? []).join(', ') || '—'}</dd>
              <dt>created</dt>
              <dd>{formatTime(data.created_at)}</dd>
              <dt>updated</dt>
              <dd>{formatTime(data.updated_at)}</dd>
            </dl>
            {data.metadata && Object.keys(data.metadata).length > 0 && <Json value={data.metadata} />}
            {canWrite && (
              <div className="row">
                {editing === null ? (
                  <button type="button" onClick={() => setEditing(data.memory)}>
                    Edit
                  </button>
                ) : (
                  <>
                    <button type="button" className="primary" disabled={action.busy || !editing.trim()} onClick={save}>
                      Save
                    </button>
                    <button type="button" onClick={() => setEditing(null)}>
                      Cancel
                    </button>
                  </>
                )}
                <button type="button" className="danger" disabled={action.busy} onClick={remove}>
                  Delete
                </button>
              </div>
            )}
            <ErrorNote error={action.error} />
          </div>
        )}
      </Status>
      <h2>History</h2>
      <Status loaded={history}>
        {(entries) => (
          <Table className="history" headers={['When', 'Event', 'Before', 'After']}>
            {entries.map((entry) => (
              <tr key={entry.id}>
                <td className="nowrap">{formatTime(entry.created_at)}</td>
                <td>
                  <span className={`tag event-${entry.event.toLowerCase()}`}>{entry.event}</span>
                </td>
                <td className="muted">{entry.old_memory ?? '—'}</td>
                <td>{entry.new_memory ?? '—'}</td>
              </tr>
            ))}
          </Table>
        )}
      </Status>
    </Page>
  );
}
