import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { mapHistory } from '../memory/memory.mapper';
import { RetrievalEvent, RetrievalEventsRepository } from './retrieval-events.repository';

const FLUSH_INTERVAL_MS = 1000;
const FLUSH_SIZE = 200;
/** Events held at most while the database does not take them: the oldest go first. */
const MAX_PENDING = 10_000;

/**
 * Searches and lists become SEARCH / GET_ALL events (what `/v1/events/` and `/v1/stats/` count),
 * written in batches off the request path so a search costs no extra round trip. They are activity
 * records: a crash loses at most the last second of them.
 */
@Injectable()
export class RetrievalEventsService implements OnModuleDestroy {
  private readonly logger = new Logger(RetrievalEventsService.name);
  private pending: RetrievalEvent[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly events: RetrievalEventsRepository) {}

  record(event: RetrievalEvent): void {
    this.pending.push(event);
    if (this.pending.length > MAX_PENDING) {
      this.pending.splice(0, this.pending.length - MAX_PENDING);
    }
    if (this.pending.length >= FLUSH_SIZE) {
      void this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS);
      this.timer.unref();
    }
  }

  /** Writes what is pending (one statement); failures keep the events for the next attempt. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = null;
      }
      const batch = this.pending;
      this.pending = [];
      if (batch.length === 0) {
        return;
      }
      try {
        await this.events.insert(batch);
      } catch (error) {
        this.logger.warn(`recording ${batch.length} retrieval events failed: ${(error as Error).message}`);
        this.pending = [...batch, ...this.pending].slice(-MAX_PENDING);
        this.timer ??= setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS * 5);
        this.timer.unref();
      }
    });
    return this.flushing;
  }

  async onModuleDestroy(): Promise<void> {
    await this.flush();
  }

  /** `GET /v1/memories/events/`: the project's memory history entries, newest first. */
  async historyPage(projectId: string, page: number, pageSize: number) {
    const { rows, count } = await this.events.historyPage(projectId, (page - 1) * pageSize, pageSize);
    return { count, results: rows.map(mapHistory) };
  }
}
