import { FormEvent, useState } from 'react';
import { api, projectPath } from '../api';
import {
  confirmed,
  ErrorNote,
  Field,
  formatTime,
  Page,
  Status,
  useAction,
  useCanWrite,
  useLoad,
  useSession,
  Table,
} from '../ui';

interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  user_email: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export function ApiKeysPage() {
  const session = useSession();
  const canWrite = useCanWrite();
  const path = `${projectPath(session)}api_keys/`;
  const loaded = useLoad(() => api<{ api_keys: ApiKey[] }>('GET', path).then((body) => body.api_keys), [path]);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const action = useAction();
  const create = async (event: FormEvent) => {
    event.preventDefault();
    await action.run(async () => {
      const answer = await api<ApiKey & { key: string }>('POST', path, { name, email: email.trim() || undefined });
      setCreated({ name: answer.name, key: answer.key });
      setName('');
      setEmail('');
      loaded.reload();
    });
  };
  const revoke = async (key: ApiKey) => {
    if (confirmed(`Revoke "${key.name}" (${key.prefix}…)? Clients using it are refused from now on.`)) {
      if (await action.run(() => api('DELETE', `${path}${key.id}/`))) {
        loaded.reload();
      }
    }
  };
  return (
    <Page title="API keys">
      {canWrite && (
        <form className="card inline-form row" onSubmit={create} aria-label="Create an API key">
          <Field label="Name">
            <input
              name="key-name"
              value={name}
              onChange={(event) => setName(event.target.value)}
              required
              maxLength={100}
            />
          </Field>
          <Field label="For member (email, default: you)">
            <input name="key-email" type="email" value={email} onChange={(event) => setEmail(event.target.value)} />
          </Field>
          <button type="submit" className="primary" disabled={action.busy}>
            Create key
          </button>
        </form>
      )}
      {created && (
        <div className="notice new-key">
          <p>
            Key <strong>{created.name}</strong>, shown this once: copy it now.
          </p>
          <code className="secret">{created.key}</code>
          <button type="button" className="small" onClick={() => void navigator.clipboard?.writeText(created.key)}>
            Copy
          </button>
        </div>
      )}
      <ErrorNote error={action.error} />
      <Status loaded={loaded}>
        {(keys) => (
          <Table className="keys" headers={['Name', 'Key', 'User', 'Created', 'Last used', 'Status', canWrite && '']}>
            {keys.map((key) => (
              <tr key={key.id} className={key.revoked_at ? 'revoked' : undefined}>
                <td>{key.name}</td>
                <td className="mono">{key.prefix}…</td>
                <td>{key.user_email}</td>
                <td className="nowrap">{formatTime(key.created_at)}</td>
                <td className="nowrap">{formatTime(key.last_used_at)}</td>
                <td>{key.revoked_at ? `revoked ${formatTime(key.revoked_at)}` : 'active'}</td>
                {canWrite && (
                  <td>
                    {!key.revoked_at && (
                      <button
                        type="button"
                        className="small danger"
                        onClick={() => revoke(key)}
                        aria-label={`revoke ${key.name}`}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </Table>
        )}
      </Status>
    </Page>
  );
}
