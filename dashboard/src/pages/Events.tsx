import { useEffect, useState } from 'react';
import { api, Paged } from '../api';
import { formatTime, Json, Page, Pager, Status, useLoad, Table } from '../ui';

interface Event {
  id: string;
  event_type: string;
  status: string;
  created_at: string;
  latency?: number | null;
  [key: string]: unknown;
}

const PAGE_SIZE = 25;
const TYPES = ['', 'ADD', 'SEARCH', 'GET_ALL', 'DELETE_USER', 'DELETE_ALL'];
const POLL_MS = 1000;
const finished = (status: string) => status === 'SUCCEEDED' || status === 'FAILED';

/** One event, polled every second until it has finished. */
function EventDetail({ id, onClose }: { id: string; onClose: () => void }) {
  const [round, setRound] = useState(0);
  const loaded = useLoad(() => api<Event>('GET', `/v1/event/${id}/`), [id, round]);
  const status = loaded.data?.status;
  useEffect(() => {
    if (status && !finished(status)) {
      const timer = setTimeout(() => setRound((value) => value + 1), POLL_MS);
      return () => clearTimeout(timer);
    }
    return undefined;
  }, [status, round]);
  return (
    <div className="card detail">
      <div className="row spread">
        <h2>Event {id}</h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <Status loaded={loaded}>
        {(event) => (
          <>
            <p>
              <span className={`tag status-${event.status.toLowerCase()}`}>{event.status}</span>
              {!finished(event.status) && <span className="muted"> polling…</span>}
            </p>
            <Json value={event} />
          </>
        )}
      </Status>
    </div>
  );
}

export function EventsPage() {
  const [page, setPage] = useState(1);
  const [type, setType] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const loaded = useLoad(
    () =>
      api<Paged<Event>>('GET', `/v1/events/?page=${page}&page_size=${PAGE_SIZE}${type ? `&event_type=${type}` : ''}`),
    [page, type],
  );
  return (
    <Page
      title="Events"
      actions={
        <>
          <select aria-label="event type" value={type} onChange={(event) => (setPage(1), setType(event.target.value))}>
            {TYPES.map((value) => (
              <option key={value} value={value}>
                {value || 'All types'}
              </option>
            ))}
          </select>
          <button type="button" onClick={loaded.reload}>
            Refresh
          </button>
        </>
      }
    >
      {open && <EventDetail id={open} onClose={() => setOpen(null)} />}
      <Status loaded={loaded}>
        {(data) => (
          <>
            <Table headers={['When', 'Type', 'Status', 'Latency', 'Id']}>
              {data.results.map((event) => (
                <tr key={event.id} className="clickable" onClick={() => setOpen(event.id)}>
                  <td className="nowrap">{formatTime(event.created_at)}</td>
                  <td>{event.event_type}</td>
                  <td>
                    <span className={`tag status-${event.status.toLowerCase()}`}>{event.status}</span>
                  </td>
                  <td>{typeof event.latency === 'number' ? `${Math.round(event.latency)} ms` : '—'}</td>
                  <td className="muted mono">{event.id}</td>
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
