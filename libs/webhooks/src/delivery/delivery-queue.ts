import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/core';
import { JobName, QueueService } from '@app/queue';
import { DeliveryRef } from '../repositories/deliveries.repository';
import { MAX_DELIVERY_ATTEMPTS, WEBHOOK_BACKOFF } from './retry-schedule';

/**
 * Enqueues delivery jobs. A job's id is the delivery id (a redelivery adds a suffix, since the first
 * job may still be kept as completed), so the same delivery is never queued twice at once; BullMQ
 * retries the same job on the `webhook` backoff, keeping the delivery id and thus the `webhook-id`.
 */
@Injectable()
export class DeliveryQueue {
  constructor(
    private readonly queue: QueueService,
    private readonly config: AppConfig,
  ) {}

  async enqueue(deliveries: DeliveryRef[], jobIdSuffix = ''): Promise<void> {
    await Promise.all(
      deliveries.map((delivery) =>
        this.queue.add(
          { name: JobName.DeliverWebhook, data: { projectId: delivery.projectId, deliveryId: delivery.id } },
          {
            jobId: `${delivery.id}${jobIdSuffix}`,
            attempts: MAX_DELIVERY_ATTEMPTS,
            backoff: { type: WEBHOOK_BACKOFF, delay: this.config.env.WEBHOOK_RETRY_BASE_MS },
          },
        ),
      ),
    );
  }
}
