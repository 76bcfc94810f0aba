import { FormEvent, useState } from 'react';
import { api, Paged } from '../api';
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
  useSession,
  Table,
} from '../ui';

interface Webhook {
  webhook_id: string;
  name: string;
  url: string;
  event_types: string[];
  is_active: boolean;
  created_at: string;
}

interface Delivery {
  delivery_id: string;
  event_type: string;
  status: string;
  attempt_count: number;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
}

const EVENT_TYPES = ['memory_add', 'memory_update', 'memory_delete', 'memory_categorize'];
const PAGE_SIZE = 20;

interface Draft {
  name: string;
  url: string;
  event_types: string[];
  is_active: boolean;
}

function WebhookForm({
  initial,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  initial: Draft;
  submitLabel: string;
  onSubmit: (draft: Draft) => Promise<unknown>;
  onCancel?: () => void;
}) {
  const [draft, setDraft] = useState(initial);
  const action = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if ((await action.run(() => onSubmit(draft))) && !onCancel) {
      setDraft(initial);
    }
  };
  const toggle = (type: string) =>
    setDraft({
      ...draft,
      event_types: draft.event_types.includes(type)
        ? draft.event_types.filter((value) => value !== type)
        : [...draft.event_types, type],
    });
  return (
    <form className="card inline-form" onSubmit={submit} aria-label={submitLabel}>
      <div className="row">
        <Field label="Name">
          <input
            name="webhook-name"
            value={draft.name}
            onChange={(event) => setDraft({ ...draft, name: event.target.value })}
            required
          />
        </Field>
        <Field label="URL">
          <input
            name="webhook-url"
            className="wide"
            type="url"
            value={draft.url}
            onChange={(event) => setDraft({ ...draft, url: event.target.value })}
            required
          />
        </Field>
      </div>
      <div className="row">
        {EVENT_TYPES.map((type) => (
          <label key={type} className="check">
            <input type="checkbox" checked={draft.event_types.includes(type)} onChange={() => toggle(type)} />
            {type}
          </label>
        ))}
        <label className="check">
          <input
            type="checkbox"
            checked={draft.is_active}
            onChange={(event) => setDraft({ ...draft, is_active: event.target.checked })}
          />
          active
        </label>
      </div>
      <div className="row">
        <button type="submit" className="primary" disabled={action.busy || draft.event_types.length === 0}>
          {submitLabel}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
      <ErrorNote error={action.error} />
    </form>
  );
}

function Deliveries({ webhook }: { webhook: Webhook }) {
  const canWrite = useCanWrite();
  const [page, setPage] = useState(1);
  const loaded = useLoad(
    () =>
      api<Paged<Delivery>>(
        'GET',
        `/api/v1/webhooks/${webhook.webhook_id}/deliveries/?page=${page}&page_size=${PAGE_SIZE}`,
      ),
    [webhook.webhook_id, page],
  );
  const action = useAction();
  const redeliver = async (delivery: Delivery) => {
    if (
      await action.run(() =>
        api('POST', `/api/v1/webhooks/${webhook.webhook_id}/deliveries/${delivery.delivery_id}/redeliver/`),
      )
    ) {
      loaded.reload();
    }
  };
  return (
    <div className="card deliveries">
      <div className="row spread">
        <h2>Deliveries of {webhook.name}</h2>
        <button type="button" onClick={loaded.reload}>
          Refresh
        </button>
      </div>
      <ErrorNote error={action.error} />
      <Status loaded={loaded}>
        {(data) => (
          <>
            <Table headers={['When', 'Event', 'Status', 'Attempts', 'Last answer', canWrite && '']}>
              {data.results.map((delivery) => (
                <tr key={delivery.delivery_id}>
                  <td className="nowrap">{formatTime(delivery.created_at)}</td>
                  <td>{delivery.event_type}</td>
                  <td>
                    <span className={`tag status-${delivery.status}`}>{delivery.status}</span>
                  </td>
                  <td>{delivery.attempt_count}</td>
                  <td>{delivery.last_status_code ?? delivery.last_error ?? '—'}</td>
                  {canWrite && (
                    <td>
                      <button
                        type="button"
                        className="small"
                        disabled={action.busy || delivery.status === 'pending' || delivery.status === 'retrying'}
                        onClick={() => redeliver(delivery)}
                      >
                        Redeliver
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </Table>
            {data.results.length === 0 && <p className="muted">Nothing delivered yet.</p>}
            <Pager page={page} count={data.count} pageSize={PAGE_SIZE} onPage={setPage} />
          </>
        )}
      </Status>
    </div>
  );
}

export function WebhooksPage() {
  const session = useSession();
  const canWrite = useCanWrite();
  const collection = `/api/v1/webhooks/projects/${session.projectId}/`;
  const loaded = useLoad(() => api<Webhook[]>('GET', collection), [collection]);
  const [editing, setEditing] = useState<string | null>(null);
  const [open, setOpen] = useState<Webhook | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const action = useAction();
  const create = async (draft: Draft) => {
    const created = await api<{ secret?: string }>('POST', collection, draft);
    setSecret(created.secret ?? null);
    loaded.reload();
  };
  const update = async (webhook: Webhook, draft: Draft) => {
    await api('PUT', `/api/v1/webhooks/${webhook.webhook_id}/`, draft);
    setEditing(null);
    loaded.reload();
  };
  const remove = async (webhook: Webhook) => {
    if (confirmed(`Delete webhook "${webhook.name}" and its delivery log?`)) {
      await action.run(() => api('DELETE', `/api/v1/webhooks/${webhook.webhook_id}/`));
      setOpen(null);
      loaded.reload();
    }
  };
  return (
    <Page title="Webhooks">
      {canWrite && (
        <>
          <h2>New webhook</h2>
          <WebhookForm
            initial={{ name: '', url: '', event_types: ['memory_add'], is_active: true }}
            submitLabel="Create webhook"
            onSubmit={create}
          />
        </>
      )}
      {secret && (
        <p className="notice">
          Signing secret (shown once): <code className="secret">{secret}</code>
        </p>
      )}
      <ErrorNote error={action.error} />
      <Status loaded={loaded}>
        {(webhooks) => (
          <Table className="webhooks" headers={['Name', 'URL', 'Events', 'Active', '']}>
            {webhooks.map((webhook) =>
              editing === webhook.webhook_id ? (
                <tr key={webhook.webhook_id}>
                  <td colSpan={5}>
                    <WebhookForm
                      initial={webhook}
                      submitLabel="Save webhook"
                      onSubmit={(draft) => update(webhook, draft)}
                      onCancel={() => setEditing(null)}
                    />
                  </td>
                </tr>
              ) : (
                <tr key={webhook.webhook_id}>
                  <td>{webhook.name}</td>
                  <td className="mono">{webhook.url}</td>
                  <td>
                    {webhook.event_types.map((type) => (
                      <span key={type} className="tag">
                        {type}
                      </span>
                    ))}
                  </td>
                  <td>{webhook.is_active ? 'yes' : 'no'}</td>
                  <td>
                    <div className="row">
                      <button type="button" className="small" onClick={() => setOpen(webhook)}>
                        Deliveries
                      </button>
                      {canWrite && (
                        <>
                          <button type="button" className="small" onClick={() => setEditing(webhook.webhook_id)}>
                            Edit
                          </button>
                          <button type="button" className="small danger" onClick={() => remove(webhook)}>
                            Delete
                          </button>
                        </>
                      )}
                    </div>
                  </td>
                </tr>
              ),
            )}
          </Table>
        )}
      </Status>
      {open && <Deliveries key={open.webhook_id} webhook={open} />}
    </Page>
  );
}
