import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AppConfig, Event } from '@app/core';
import { JobInfo, JobItem, JobName, QueueService } from '@app/queue';
import { AddRequest } from '../memory/memory.types';
import { EventsRepository, SweepCursor } from '../events/events.repository';
import { ExportRow, ExportsRepository } from '../exports/exports.repository';
import { MemoriesRepository } from '../memory/memories.repository';
import { VectorIndexService } from './vector-index.service';

const BATCH = 200;
/** Rows checked per sweep at most; a longer backlog is walked over the next sweeps. */
const PER_SWEEP = 2000;

const ALIVE: JobInfo['state'][] = ['waiting', 'delayed', 'prioritized', 'waiting-children', 'active'];

export type Recovery = { action: 'wait' } | { action: 'requeue' } | { action: 'fail'; reason: string };

/**
 * What to do with an accepted record that has not finished, given its job: leave a live job alone,
 * queue a lost or finished one again (its handler is idempotent), fail it once it is too old.
 */
export function recoveryFor(job: JobInfo, ageMs: number, maxAgeMs: number): Recovery {
  const tooOld = ageMs > maxAgeMs;
  if (ALIVE.includes(job.state) && (!tooOld || job.state === 'active')) {
    return { action: 'wait' };
  }
  if (!tooOld) {
    return { action: 'requeue' };
  }
  const hours = Math.round((maxAgeMs / 3_600_000) * 10) / 10;
  const why = job.failedReason ? `; last error: ${job.failedReason}` : '';
  return { action: 'fail', reason: `Not processed within ${hours} h of being accepted${why}`.slice(0, 2000) };
}

export interface SweepReport {
  requeued: number;
  failed: number;
  settled: number;
}

/**
 * Runs in every worker: finds accepted events and exports still PENDING or RUNNING long after their
 * last change and makes sure each one ends. A job can be lost (enqueueing failed after the row was
 * written, Redis restarted without its data, the last retry ran out during an outage, or its FAILED
 * could not be written); the sweep queues it again or, past JOB_MAX_AGE_MS, fails it with the reason.
 * A timer rather than a BullMQ job scheduler, since Redis being away is one of the cases it handles.
 * Sweeps in several workers may overlap: job ids are the record ids, so a second enqueue is ignored.
 * Vectors left pending past JOB_SWEEP_AFTER_MS get their project's indexing job again
 * (a job that finds nothing left to move does nothing).
 */
@Injectable()
export class JobSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(JobSweeper.name);
  private timer?: NodeJS.Timeout;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private readonly cursors: Record<'events' | 'exports', SweepCursor | null> = { events: null, exports: null };

  constructor(
    private readonly events: EventsRepository,
    private readonly exports: ExportsRepository,
    private readonly memories: MemoriesRepository,
    private readonly vectorIndex: VectorIndexService,
    private readonly queue: QueueService,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) {
      return;
    }
    this.timer = setTimeout(() => {
      this.running = this.sweep()
        .catch((error: unknown) => this.logger.warn({ err: error }, 'job sweep failed; retrying on the next one'))
        .finally(() => this.schedule());
    }, this.config.env.JOB_SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  /** One pass over the events, then the exports, then the projects with vectors left pending; what it changed. */
  async sweep(): Promise<SweepReport> {
    const report: SweepReport = { requeued: 0, failed: 0, settled: 0 };
    const before = new Date(Date.now() - this.config.env.JOB_SWEEP_AFTER_MS);
    await this.walk(
      'events',
      (cursor) => this.events.unfinished(before, cursor, BATCH),
      (row) => this.recoverEvent(row, report),
    );
    await this.walk(
      'exports',
      (cursor) => this.exports.unfinished(before, cursor, BATCH),
      (row) => this.recoverExport(row, report),
    );
    report.requeued += await this.vectorIndex.indexLate(before, BATCH);
    if (report.requeued + report.failed + report.settled > 0) {
      this.logger.warn(report, 'job sweep recovered unfinished work');
    }
    return report;
  }

  /** Up to PER_SWEEP rows from where the last sweep stopped; the cursor starts over once a walk reaches the end. */
  private async walk<T extends SweepCursor>(
    kind: 'events' | 'exports',
    fetch: (cursor: SweepCursor | null) => Promise<T[]>,
    recover: (row: T) => Promise<void>,
  ): Promise<void> {
    for (let checked = 0; checked < PER_SWEEP && !this.stopped; checked += BATCH) {
      const rows = await fetch(this.cursors[kind]);
      for (const row of rows) {
        await recover(row);
      }
      const last = rows.at(-1);
      this.cursors[kind] = rows.length === BATCH && last ? { updatedAt: last.updatedAt, id: last.id } : null;
      if (!this.cursors[kind]) {
        return;
      }
    }
  }

  private async recoverEvent(event: Event, report: SweepReport): Promise<void> {
    const { projectId, id } = event;
    if ((event.payload as unknown as AddRequest | null)?.infer === false) {
      await this.settleVerbatim(event, report);
      return;
    }
    const item: JobItem =
      event.eventType === 'ADD'
        ? { name: JobName.AddMemories, data: { projectId, eventId: id } }
        : { name: JobName.DeleteMemories, data: { projectId, eventId: id } };
    const recovery = await this.recover(item, id, event.createdAt);
    if (recovery.action === 'fail') {
      await this.events.finish(projectId, id, { status: 'FAILED', error: recovery.reason });
    }
    this.count(recovery, report);
  }

  private async recoverExport(row: ExportRow, report: SweepReport): Promise<void> {
    const item: JobItem = { name: JobName.BuildExport, data: { projectId: row.projectId, exportId: row.id } };
    const recovery = await this.recover(item, row.id, row.createdAt);
    if (recovery.action === 'fail') {
      await this.exports.finish(row.projectId, row.id, { status: 'FAILED', error: recovery.reason });
    }
    this.count(recovery, report);
  }

  private async recover(item: JobItem, jobId: string, createdAt: Date): Promise<Recovery> {
    const job = await this.queue.inspect(item.name, jobId);
    const recovery = recoveryFor(job, Date.now() - createdAt.getTime(), this.config.env.JOB_MAX_AGE_MS);
    if (recovery.action === 'requeue') {
      await this.queue.requeue(item, jobId);
    } else if (recovery.action === 'fail' && job.state !== 'unknown') {
      await this.queue.discard(item.name, jobId);
    }
    return recovery;
  }

  /**
   * An `infer: false` add stores its memories within its request, which ended without finishing the
   * event (the process died, or the database went away): the caller got an error, not an answer.
   */
  private async settleVerbatim(event: Event, report: SweepReport): Promise<void> {
    const stored = await this.memories.bySourceEvent(event.projectId, event.id);
    const error = `The request ended before it answered (${stored.length} of its memories were stored).`;
    await this.events.finish(event.projectId, event.id, { status: 'FAILED', error });
    report.settled += 1;
  }

  private count(recovery: Recovery, report: SweepReport): void {
    if (recovery.action === 'requeue') {
      report.requeued += 1;
    } else if (recovery.action === 'fail') {
      report.failed += 1;
    }
  }
}
