import { Processor, WorkerHost } from '@nestjs/bullmq';
import { PROCESSOR_METADATA } from '@nestjs/bullmq/dist/bull.constants';
import { Injectable, Logger, OnModuleInit, Type } from '@nestjs/common';
import { SpanKind } from '@opentelemetry/api';
import { Job } from 'bullmq';
import { AppConfig, contextFromCarrier, inSpan, MetricsService, TRACE_CARRIER, unavailableDependency } from '@app/core';
import { cappedBackoff, jobBackoff, JobItem, JobStatus, QueueName, retryAfter } from '@app/queue';
import { webhookBackoff } from '@app/webhooks';
import { JobHandlers } from './job-handlers';

/** Processors only dispatch: the work lives in the libs' handlers. (@Injectable emits the constructor's types.) */
@Injectable()
abstract class DispatchingProcessor extends WorkerHost implements OnModuleInit {
  private readonly logger = new Logger(this.constructor.name);

  constructor(
    private readonly jobs: JobHandlers,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    super();
  }

  /** Jobs of this queue run at once. */
  protected concurrency(env: AppConfig['env']): number {
    return env.WORKER_CONCURRENCY;
  }

  onModuleInit(): void {
    this.worker.concurrency = this.concurrency(this.config.env);
    // The worker reconnects by itself; an outage is reported by /readyz, not once per reconnect attempt.
    this.worker.on('error', (error) => this.logger.debug({ err: error }, 'worker connection error'));
  }

  /** Each run is a span continuing the enqueuer's trace, and a sample of the job metrics. */
  process(job: Job): Promise<JobStatus> {
    const { [TRACE_CARRIER]: carrier, ...data } = job.data as Record<string, unknown>;
    const labels = { queue: job.queueName, job: job.name };
    const stop = this.metrics.jobDuration.startTimer(labels);
    const attributes = { 'mem0.job': job.name, 'mem0.attempt': job.attemptsMade + 1 };
    return inSpan(
      `process ${job.queueName}`,
      { kind: SpanKind.CONSUMER, attributes },
      () => this.run(job, { name: job.name, data } as JobItem),
      contextFromCarrier(carrier),
    ).then(
      (status) => {
        stop({ outcome: status });
        return status;
      },
      (error: unknown) => {
        stop({ outcome: 'failed' });
        this.metrics.jobFailures.inc(labels);
        throw error;
      },
    );
  }

  private async run(job: Job, item: JobItem): Promise<JobStatus> {
    const attempt = job.attemptsMade + 1;
    const finalAttempt = attempt >= (job.opts.attempts ?? 1);
    const started = Date.now();
    try {
      const status = await this.jobs.run(item, finalAttempt, attempt);
      this.logger.log({ job: job.name, id: job.id, status, ms: Date.now() - started }, 'job done');
      return status;
    } catch (error) {
      const outage = unavailableDependency(error);
      this.logger.warn({ job: job.name, id: job.id, attempt, outage, err: error }, 'job failed');
      const { JOB_BACKOFF_MS, JOB_BACKOFF_MAX_MS } = this.config.env;
      throw retryAfter(error, cappedBackoff(attempt, JOB_BACKOFF_MS, JOB_BACKOFF_MAX_MS));
    }
  }
}

@Processor(QueueName.MemoryIngestion, { settings: { backoffStrategy: jobBackoff } })
export class IngestionProcessor extends DispatchingProcessor {
  protected concurrency(env: AppConfig['env']): number {
    return env.INGESTION_CONCURRENCY;
  }
}

@Processor(QueueName.Categorization, { settings: { backoffStrategy: jobBackoff } })
export class CategorizationProcessor extends DispatchingProcessor {}

@Processor(QueueName.MemoryDeletion, { settings: { backoffStrategy: jobBackoff } })
export class DeletionProcessor extends DispatchingProcessor {}

/** Retries follow the delivery's own schedule (and the receiver's Retry-After): see webhookBackoff. */
@Processor(QueueName.WebhookDelivery, { settings: { backoffStrategy: webhookBackoff } })
export class WebhookDeliveryProcessor extends DispatchingProcessor {}

@Processor(QueueName.Exports, { settings: { backoffStrategy: jobBackoff } })
export class ExportsProcessor extends DispatchingProcessor {}

@Processor(QueueName.Synthesis, { settings: { backoffStrategy: jobBackoff } })
export class SynthesisProcessor extends DispatchingProcessor {}

/** One job at a time: inserts into one HNSW graph from parallel jobs would only contend for its pages. */
@Processor(QueueName.VectorIndexing, { settings: { backoffStrategy: jobBackoff } })
export class VectorIndexingProcessor extends DispatchingProcessor {
  protected concurrency(): number {
    return 1;
  }
}

/** The consumer of every queue: the Record type makes a queue without one a compile error. */
export const PROCESSORS: Record<QueueName, Type<WorkerHost>> = {
  [QueueName.MemoryIngestion]: IngestionProcessor,
  [QueueName.Categorization]: CategorizationProcessor,
  [QueueName.MemoryDeletion]: DeletionProcessor,
  [QueueName.WebhookDelivery]: WebhookDeliveryProcessor,
  [QueueName.Exports]: ExportsProcessor,
  [QueueName.Synthesis]: SynthesisProcessor,
  [QueueName.VectorIndexing]: VectorIndexingProcessor,
};

/** Refuses to boot when a queue's listed processor consumes another queue (its jobs would wait forever). */
export function checkProcessors(processors: Record<string, Type<WorkerHost>>): void {
  const wrong = Object.entries(processors).filter(
    ([queue, processor]) => (Reflect.getMetadata(PROCESSOR_METADATA, processor) as { name?: string })?.name !== queue,
  );
  if (wrong.length > 0) {
    throw new Error(`queues without their processor: ${wrong.map(([queue]) => queue).join(', ')}`);
  }
}
