import { FormEvent, useState } from 'react';
import { api, orgPath, projectPath } from '../api';
import { confirmed, ErrorNote, Field, Page, Status, useAction, useCanWrite, useLoad, useSession, Table } from '../ui';

interface Member {
  user_id?: string;
  username?: string;
  email: string;
  role: string;
}

/** READER is what the organization calls a member. */
const RoleOptions = () => (
  <>
    <option value="OWNER">OWNER</option>
    <option value="READER">READER</option>
  </>
);

/** One members list (the org's or the project's) with add, role change and removal for owners. */
function MembersTable({ title, path, canWrite }: { title: string; path: string; canWrite: boolean }) {
  const loaded = useLoad(() => api<{ members: Member[] }>('GET', path).then((body) => body.members), [path]);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState('READER');
  const action = useAction();
  const change = async (method: string, body: object) => {
    if (await action.run(() => api(method, path, body))) {
      loaded.reload();
      return true;
    }
    return false;
  };
  const add = async (event: FormEvent) => {
    event.preventDefault();
    if (await change('POST', { email, role })) {
      setEmail('');
    }
  };
  return (
    <div className="card">
      <h2>{title}</h2>
      <ErrorNote error={action.error} />
      <Status loaded={loaded}>
        {(members) => (
          <Table headers={['Email', 'Role', canWrite && '']}>
            {members.map((member) => (
              <tr key={member.email}>
                <td>{member.email}</td>
                <td>
                  {canWrite ? (
                    <select
                      aria-label={`role of ${member.email}`}
                      value={member.role}
                      onChange={(event) => change('PUT', { email: member.email, role: event.target.value })}
                    >
                      <RoleOptions />
                    </select>
                  ) : (
                    member.role
                  )}
                </td>
                {canWrite && (
                  <td>
                    <button
                      type="button"
                      className="small danger"
                      onClick={() => confirmed(`Remove ${member.email}?`) && change('DELETE', { email: member.email })}
                    >
                      Remove
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </Table>
        )}
      </Status>
      {canWrite && (
        <form className="row" onSubmit={add}>
          <Field label="Email">
            <input type="email" value={email} onChange={(event) => setEmail(event.target.value)} required />
          </Field>
          <Field label="Role">
            <select value={role} onChange={(event) => setRole(event.target.value)}>
              <RoleOptions />
            </select>
          </Field>
          <button type="submit" className="primary" disabled={action.busy}>
            Add member
          </button>
        </form>
      )}
    </div>
  );
}

export function MembersPage() {
  const session = useSession();
  const canWrite = useCanWrite();
  return (
    <Page title="Members and roles">
      <MembersTable title="Project members" path={`${projectPath(session)}members/`} canWrite={canWrite} />
      <MembersTable title="Organization members" path={`${orgPath(session)}members/`} canWrite={canWrite} />
      <p className="muted">
        A project member must first be a member of the organization. Organization owners own every project.
      </p>
    </Page>
  );
}
