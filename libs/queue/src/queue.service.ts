import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { SpanKind } from '@opentelemetry/api';
import { JobsOptions, JobState, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import {
  AppConfig,
  closeRedisClient,
  createRedisClient,
  currentTraceCarrier,
  DependencyUnavailableError,
  inSpan,
  inSpans,
  isRedisUnavailable,
  TRACE_CARRIER,
  TraceCarrier,
  whenReady,
} from '@app/core';
import { JOB_BACKOFF } from './job-backoff';
import { bullPrefix, JOB_QUEUE, JobItem, JobName, QueueName } from './queue.constants';

const STARTUP_WAIT_MS = 2000;

/** What the queue knows of a job: `unknown` when it holds no job of that id (never queued, or lost). */
export interface JobInfo {
  state: JobState | 'unknown';
  failedReason?: string;
}

export const DEPTH_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
export type QueueDepths = Record<QueueName, Record<(typeof DEPTH_STATES)[number], number>>;

/**
 * Enqueues jobs for the API and the worker. Producers have a connection of their own that fails at
 * once while Redis is away (the workers' connections wait for it instead), so a request never hangs on
 * a dead Redis: it gets a DependencyUnavailableError, which answers 503.
 */
@Injectable()
export class QueueService implements OnModuleInit, OnModuleDestroy {
  private readonly connection: Redis;
  private readonly queues: Record<QueueName, Queue>;
  private readonly defaults: JobsOptions;

  constructor(config: AppConfig) {
    this.defaults = {
      attempts: config.env.JOB_ATTEMPTS,
      backoff: { type: JOB_BACKOFF, delay: config.env.JOB_BACKOFF_MS },
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    };
    this.connection = createRedisClient(config.env.REDIS_URL, {
      commandTimeoutMs: config.env.REDIS_COMMAND_TIMEOUT_MS,
    });
    const prefix = bullPrefix(config.env.REDIS_PREFIX);
    const entries = Object.values(QueueName).map((name) => {
      const queue = new Queue(name, { connection: this.connection, prefix });
      // Connection errors are expected during an outage: callers get them, /readyz reports them.
      queue.on('error', () => undefined);
      return [name, queue] as const;
    });
    this.queues = Object.fromEntries(entries) as Record<QueueName, Queue>;
  }

  onModuleInit(): Promise<void> {
    return whenReady(this.connection, STARTUP_WAIT_MS);
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(Object.values(this.queues).map((queue) => queue.close().catch(() => undefined)));
    await closeRedisClient(this.connection);
  }

  /** Enqueues a job; `jobId` makes a naturally unique job idempotent (BullMQ ignores a duplicate id). */
  async add(
    item: JobItem,
    options: Pick<JobsOptions, 'jobId' | 'attempts' | 'backoff' | 'delay' | 'deduplication'> = {},
  ): Promise<void> {
    const queue = JOB_QUEUE[item.name];
    await inSpan(`publish ${queue}`, { kind: SpanKind.PRODUCER, attributes: { 'mem0.job': item.name } }, async () => {
      // The worker continues the request's trace from here (see the processors).
      const carrier = currentTraceCarrier();
      const data = carrier ? { ...item.data, [TRACE_CARRIER]: carrier } : item.data;
      await this.redis(() => this.queues[queue].add(item.name, data, { ...this.defaults, ...options }));
    });
  }

  /**
   * Enqueues jobs in one round trip per queue, each published in a span of the trace it was accepted in
   * (`carrier`: the caller's `currentTraceCarrier()` then); `jobId` as in `add`.
   */
  async addAll(jobs: { item: JobItem; jobId: string; carrier?: TraceCarrier }[]): Promise<void> {
    const byQueue = new Map<QueueName, typeof jobs>();
    for (const job of jobs) {
      const queue = JOB_QUEUE[job.item.name];
      byQueue.set(queue, [...(byQueue.get(queue) ?? []), job]);
    }
    for (const [queue, list] of byQueue) {
      const parents = list.map((job) => job.carrier);
      await inSpans(`publish ${queue}`, { kind: SpanKind.PRODUCER }, parents, (carriers) =>
        this.redis(() =>
          this.queues[queue].addBulk(
            list.map(({ item, jobId }, index) => {
              const carrier = carriers[index];
              return {
                name: item.name,
                data: carrier ? { ...item.data, [TRACE_CARRIER]: carrier } : item.data,
                opts: { ...this.defaults, jobId },
              };
            }),
          ),
        ),
      );
    }
  }

  /** Runs the job every `everyMs` from now on (the first one at once); upserting the same scheduler id again replaces it. */
  async schedule(item: JobItem, schedulerId: string, everyMs: number): Promise<void> {
    const { attempts, backoff, removeOnComplete, removeOnFail } = this.defaults;
    await this.redis(() =>
      this.queues[JOB_QUEUE[item.name]].upsertJobScheduler(
        schedulerId,
        { every: everyMs },
        { name: item.name, data: item.data, opts: { attempts, backoff, removeOnComplete, removeOnFail } },
      ),
    );
  }

  async unschedule(name: JobName, schedulerId: string): Promise<void> {
    await this.redis(() => this.queues[JOB_QUEUE[name]].removeJobScheduler(schedulerId));
  }

  /** Jobs per queue waiting, running, delayed (retries included) and failed. */
  async depths(): Promise<QueueDepths> {
    return this.redis(async () => {
      const entries = await Promise.all(
        Object.entries(this.queues).map(async ([name, queue]) => {
          const counts = await queue.getJobCounts(...DEPTH_STATES);
          return [name, counts] as const;
        }),
      );
      return Object.fromEntries(entries) as QueueDepths;
    });
  }

  async inspect(name: JobName, jobId: string): Promise<JobInfo> {
    return this.redis(async () => {
      const job = await this.queues[JOB_QUEUE[name]].getJob(jobId);
      if (!job) {
        return { state: 'unknown' };
      }
      return { state: await job.getState(), failedReason: job.failedReason };
    });
  }

  /** Queues a job again under its id, dropping a finished (completed or failed) job that holds the id. */
  async requeue(item: JobItem, jobId: string): Promise<void> {
    await this.discard(item.name, jobId);
    await this.add(item, { jobId });
  }

  /** Removes a job that is not running; false when it is (a locked job cannot be removed). */
  async discard(name: JobName, jobId: string): Promise<boolean> {
    return this.redis(async () => (await this.queues[JOB_QUEUE[name]].remove(jobId)) === 1);
  }

  private async redis<T>(command: () => Promise<T>): Promise<T> {
    if (this.connection.status !== 'ready') {
      throw new DependencyUnavailableError('redis', new Error(`connection ${this.connection.status}`));
    }
    try {
      return await command();
    } catch (error) {
      throw isRedisUnavailable(error) ? new DependencyUnavailableError('redis', error) : error;
    }
  }
}
