import { useState } from 'react';
import { api, Paged } from '../api';
import {
  confirmed,
  ErrorNote,
  formatTime,
  Page,
  Pager,
  Status,
  useAction,
  useCanWrite,
  useLoad,
  Table,
  StatCards,
} from '../ui';

interface Entity {
  id: string;
  name: string;
  type: string;
  total_memories: number;
  created_at: string;
}

type Entities = Paged<Entity> & { total_users: number; total_agents: number; total_apps: number; total_runs: number };

const PAGE_SIZE = 50;

export function EntitiesPage() {
  const canWrite = useCanWrite();
  const [page, setPage] = useState(1);
  const [notice, setNotice] = useState<string | null>(null);
  const loaded = useLoad(() => api<Entities>('GET', `/v1/entities/?page=${page}&page_size=${PAGE_SIZE}`), [page]);
  const action = useAction();
  const remove = async (entity: Entity) => {
    if (!confirmed(`Delete ${entity.type} "${entity.name}" and all of its memories?`)) {
      return;
    }
    await action.run(async () => {
      const answer = await api<{ event_id: string }>(
        'DELETE',
        `/v2/entities/${entity.type}/${encodeURIComponent(entity.name)}/`,
      );
      setNotice(`Deleting ${entity.type} "${entity.name}" in the background (event ${answer.event_id}).`);
      loaded.reload();
    });
  };
  return (
    <Page title="Entities">
      {notice && <p className="notice">{notice}</p>}
      <ErrorNote error={action.error} />
      <Status loaded={loaded}>
        {(data) => (
          <>
            <StatCards
              stats={[
                ['Users', data.total_users],
                ['Agents', data.total_agents],
                ['Apps', data.total_apps],
                ['Runs', data.total_runs],
              ]}
            />
            <Table headers={['Type', 'Name', 'Memories', 'Since', canWrite && '']}>
              {data.results.map((entity) => (
                <tr key={`${entity.type}:${entity.id}`}>
                  <td>
                    <span className="tag">{entity.type}</span>
                  </td>
                  <td>{entity.name}</td>
                  <td>{entity.total_memories}</td>
                  <td className="nowrap">{formatTime(entity.created_at)}</td>
                  {canWrite && (
                    <td>
                      <button
                        type="button"
                        className="danger small"
                        disabled={action.busy}
                        onClick={() => remove(entity)}
                      >
                        Delete
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </Table>
            <Pager page={page} count={data.count} pageSize={PAGE_SIZE} onPage={setPage} />
          </>
        )}
      </Status>
    </Page>
  );
}
