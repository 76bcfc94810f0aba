import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Job } from 'bullmq';
import { AppConfig, unavailableDependency } from '@app/core';
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
  ) {
    super();
  }

  onModuleInit(): void {
    this.worker.concurrency = this.config.env.WORKER_CONCURRENCY;
    // The worker reconnects by itself; an outage is reported by /readyz, not once per reconnect attempt.
    this.worker.on('error', (error) => this.logger.debug({ err: error }, 'worker connection error'));
  }

  async process(job: Job): Promise<JobStatus> {
    const attempt = job.attemptsMade + 1;
    const finalAttempt = attempt >= (job.opts.attempts ?? 1);
    const started = Date.now();
    try {
      const item = { name: job.name, data: job.data } as JobItem;
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
export class IngestionProcessor extends DispatchingProcessor {}

@Processor(QueueName.Categorization, { settings: { backoffStrategy: jobBackoff } })
export class CategorizationProcessor extends DispatchingProcessor {}

@Processor(QueueName.MemoryDeletion, { settings: { backoffStrategy: jobBackoff } })
export class DeletionProcessor extends DispatchingProcessor {}

/** Retries follow the delivery's own schedule (and the receiver's Retry-After): see webhookBackoff. */
@Processor(QueueName.WebhookDelivery, { settings: { backoffStrategy: webhookBackoff } })
export class WebhookDeliveryProcessor extends DispatchingProcessor {}

@Processor(QueueName.Exports, { settings: { backoffStrategy: jobBackoff } })
export class ExportsProcessor extends DispatchingProcessor {}
