import { FormEvent, useState } from 'react';
import { api, Memory, Paged } from '../api';
import { Link } from '../router';
import {
  confirmed,
  ErrorNote,
  Field,
  formatTime,
  Page,
  Pager,
  Status,
  useAction,
  useCanWrite,
  useLoad,
  Table,
} from '../ui';
import { buildFilters, EMPTY_FILTERS, FilterBuilder, FilterForm } from './FilterBuilder';

const PAGE_SIZE = 25;

function AddMemory({ onAdded }: { onAdded: () => void }) {
  const [text, setText] = useState('');
  const [userId, setUserId] = useState('');
  const [infer, setInfer] = useState(false);
  const [result, setResult] = useState<string | null>(null);
  const action = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const done = await action.run(async () => {
      const answer = await api<{ results?: { id: string }[]; event_id?: string; status?: string }>(
        'POST',
        '/v3/memories/add/',
        {
          messages: [{ role: 'user', content: text }],
          user_id: userId.trim() || undefined,
          infer,
        },
      );
      setResult(
        answer.event_id && answer.status === 'PENDING'
          ? `Queued as event ${answer.event_id} (see Events).`
          : `Added ${answer.results?.length ?? 0} ${answer.results?.length === 1 ? 'memory' : 'memories'}.`,
      );
    });
    if (done) {
      setText('');
      onAdded();
    }
  };
  return (
    <form className="card inline-form" onSubmit={submit} aria-label="Add a memory">
      <h2>Add a memory</h2>
      <Field label="Text">
        <textarea name="add-text" value={text} onChange={(event) => setText(event.target.value)} rows={2} required />
      </Field>
      <div className="row">
        <Field label="user_id">
          <input name="add-user" value={userId} onChange={(event) => setUserId(event.target.value)} required />
        </Field>
        <label className="check">
          <input type="checkbox" checked={infer} onChange={(event) => setInfer(event.target.checked)} />
          Extract facts (infer, runs in the background)
        </label>
        <button type="submit" className="primary" disabled={action.busy}>
          Add
        </button>
      </div>
      <ErrorNote error={action.error} />
      {result && <p className="notice">{result}</p>}
    </form>
  );
}

export function MemoriesPage() {
  const canWrite = useCanWrite();
  const [draft, setDraft] = useState<FilterForm>(EMPTY_FILTERS);
  const [filters, setFilters] = useState<FilterForm>(EMPTY_FILTERS);
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const deletion = useAction();
  const loaded = useLoad(
    () => api<Paged<Memory>>('POST', '/v3/memories/', { filters: buildFilters(filters), page, page_size: PAGE_SIZE }),
    [filters, page],
  );
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setPage(1);
    setSelected(new Set());
    setFilters(draft);
  };
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (!next.delete(id)) {
      next.add(id);
    }
    setSelected(next);
  };
  const deleteSelected = async () => {
    if (!confirmed(`Delete ${selected.size} memories?`)) {
      return;
    }
    const done = await deletion.run(() =>
      api('DELETE', '/v1/batch/', { memories: [...selected].map((memory_id) => ({ memory_id })) }),
    );
    if (done) {
      setSelected(new Set());
      loaded.reload();
    }
  };
  return (
    <Page
      title="Memories"
      actions={
        canWrite && (
          <button
            type="button"
            className="danger"
            disabled={selected.size === 0 || deletion.busy}
            onClick={deleteSelected}
          >
            Delete selected ({selected.size})
          </button>
        )
      }
    >
      {canWrite && <AddMemory onAdded={loaded.reload} />}
      <form onSubmit={apply}>
        <FilterBuilder form={draft} onChange={setDraft} />
        <button type="submit" className="primary">
          Apply filters
        </button>
      </form>
      <ErrorNote error={deletion.error} />
      <Status loaded={loaded}>
        {(data) => (
          <>
            <Table className="memories" headers={[canWrite && '', 'Memory', 'Entity', 'Categories', 'Created']}>
              {data.results.map((memory) => (
                <tr key={memory.id}>
                  {canWrite && (
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`select ${memory.memory}`}
                        checked={selected.has(memory.id)}
                        onChange={() => toggle(memory.id)}
                      />
                    </td>
                  )}
                  <td>
                    <Link to={`/memories/${encodeURIComponent(memory.id)}`}>{memory.memory}</Link>
                  </td>
                  <td className="muted">
                    {[
                      memory.user_id && `user ${memory.user_id}`,
                      memory.agent_id && `agent ${memory.agent_id}`,
                      memory.app_id && `app ${memory.app_id}`,
                      memory.run_id && `run ${memory.run_id}`,
                    ]
                      .filter(Boolean)
                      .join(', ')}
                  </td>
                  <td>
                    {(memory.categories ?? []).map((category) => (
                      <span key={category} className="tag">
                        {category}
                      </span>
                    ))}
                  </td>
                  <td className="nowrap">{formatTime(memory.created_at)}</td>
                </tr>
              ))}
            </Table>
            {data.results.length === 0 && <p className="muted">No memories match.</p>}
            <Pager page={page} count={data.count} pageSize={PAGE_SIZE} onPage={setPage} />
          </>
        )}
      </Status>
    </Page>
  );
}
