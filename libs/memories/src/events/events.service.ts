import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode, Event, formatTimestamp, isUuid } from '@app/core';
import { EventListFilter, EventsRepository } from './events.repository';

export function mapEvent(row: Event) {
  return {
    id: row.id,
    event_type: row.eventType,
    status: row.status,
    payload: snakeKeys(row.payload),
    metadata: row.metadata,
    results: row.results ?? [],
    created_at: formatTimestamp(row.createdAt),
    updated_at: formatTimestamp(row.updatedAt),
    started_at: formatTimestamp(row.startedAt),
    completed_at: formatTimestamp(row.completedAt),
    latency: row.latency,
    graph_status: null,
    error: row.error,
  };
}

/** What the caller's own data holds is left as sent: metadata keys and message objects. */
const VERBATIM = new Set(['metadata', 'messages']);

/**
 * An event's payload is the request as the pipeline runs it (camelCase, as written by every version of
 * this server); clients read the platform's snake_case (`scope.user_id`, `expiration_date`).
 */
export function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(snakeKeys);
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => {
      const snake = key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
      return [snake, VERBATIM.has(snake) ? inner : snakeKeys(inner)];
    }),
  );
}

/**
 * For an enqueue that failed after its record was written: `fail` marks the record FAILED saying so
 * (if even that cannot be written, the job sweeper re-queues it), and the error goes on to answer 503.
 */
export function failUnqueued(fail: (reason: string) => Promise<unknown>) {
  return async (error: unknown): Promise<never> => {
    const message = error instanceof Error ? error.message : String(error);
    const reason = `Not queued (${message}); the request was answered 503 and may be retried.`;
    await fail(reason.slice(0, 2000)).catch(() => undefined);
    throw error;
  };
}

/** Async operation records, the poll target of every add and bulk delete. */
@Injectable()
export class EventsService {
  constructor(private readonly events: EventsRepository) {}

  async get(projectId: string, id: string) {
    const row = isUuid(id) ? await this.events.find(projectId, id) : null;
    if (!row) {
      throw AppError.error(ErrorCode.NotFound, "Event not found or you don't have permission to access it.");
    }
    return mapEvent(row);
  }

  /** Marks an event FAILED after its job's last attempt, so no event is ever left PENDING or RUNNING. */
  async fail(projectId: string, id: string, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    await this.events.finish(projectId, id, { status: 'FAILED', error: message.slice(0, 2000) });
  }

  async list(projectId: string, filter: EventListFilter, page: number, pageSize: number) {
    const [rows, count] = await this.events.list(projectId, filter, page, pageSize);
    return { count, results: rows.map(mapEvent) };
  }
}
