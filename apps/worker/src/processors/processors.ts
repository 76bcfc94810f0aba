import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Job } from 'bullmq';
import { AppConfig } from '@app/core';
import { JobItem, JobStatus, QueueName } from '@app/queue';
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
  }

  async process(job: Job): Promise<JobStatus> {
    const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const started = Date.now();
    try {
      const item = { name: job.name, data: job.data } as JobItem;
      const status = await this.jobs.run(item, finalAttempt, job.attemptsMade + 1);
      this.logger.log({ job: job.name, id: job.id, status, ms: Date.now() - started }, 'job done');
      return status;
    } catch (error) {
      this.logger.warn({ job: job.name, id: job.id, attempt: job.attemptsMade + 1, err: error }, 'job failed');
      throw error;
    }
  }
}

@Processor(QueueName.MemoryIngestion)
export class IngestionProcessor extends DispatchingProcessor {}

@Processor(QueueName.Categorization)
export class CategorizationProcessor extends DispatchingProcessor {}

@Processor(QueueName.MemoryDeletion)
export class DeletionProcessor extends DispatchingProcessor {}

/** Retries follow the delivery's own schedule (and the receiver's Retry-After): see webhookBackoff. */
@Processor(QueueName.WebhookDelivery, { settings: { backoffStrategy: webhookBackoff } })
export class WebhookDeliveryProcessor extends DispatchingProcessor {}

@Processor(QueueName.Exports)
export class ExportsProcessor extends DispatchingProcessor {}
