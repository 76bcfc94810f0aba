import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';
import { AppConfig } from '@app/core';
import { JOB_QUEUE, JobItem, QueueName } from './queue.constants';

@Injectable()
export class QueueService {
  private readonly queues: Record<QueueName, Queue>;

  private readonly defaults: JobsOptions;

  constructor(
    config: AppConfig,
    @InjectQueue(QueueName.MemoryIngestion) ingestion: Queue,
    @InjectQueue(QueueName.Categorization) categorization: Queue,
    @InjectQueue(QueueName.MemoryDeletion) deletion: Queue,
    @InjectQueue(QueueName.WebhookDelivery) webhookDelivery: Queue,
    @InjectQueue(QueueName.Exports) exports: Queue,
  ) {
    this.defaults = {
      attempts: config.env.JOB_ATTEMPTS,
      backoff: { type: 'exponential', delay: config.env.JOB_BACKOFF_MS },
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    };
    this.queues = {
      [QueueName.MemoryIngestion]: ingestion,
      [QueueName.Categorization]: categorization,
      [QueueName.MemoryDeletion]: deletion,
      [QueueName.WebhookDelivery]: webhookDelivery,
      [QueueName.Exports]: exports,
    };
  }

  /** Enqueues a job; `jobId` makes a naturally unique job idempotent (BullMQ ignores a duplicate id). */
  async add(item: JobItem, options: Pick<JobsOptions, 'jobId' | 'attempts' | 'backoff' | 'delay'> = {}): Promise<void> {
    await this.queues[JOB_QUEUE[item.name]].add(item.name, item.data, { ...this.defaults, ...options });
  }
}
