import { Module } from '@nestjs/common';
import { QueueModule } from '@app/queue';
import { TenancyModule } from '@app/tenancy';
import { DeliveryQueue } from './delivery/delivery-queue';
import { WebhookDeliveryService } from './delivery/delivery.service';
import { WebhookDispatcher } from './delivery/dispatcher.service';
import { UrlGuard } from './delivery/url-guard';
import { DeliveriesRepository } from './repositories/deliveries.repository';
import { WebhooksRepository } from './repositories/webhooks.repository';
import { WebhooksService } from './services/webhooks.service';

const SHARED = [DeliveriesRepository, DeliveryQueue, UrlGuard];

/** The API side: webhook management, the delivery log, redelivery. */
@Module({
  imports: [QueueModule, TenancyModule],
  providers: [...SHARED, WebhooksRepository, WebhooksService],
  exports: [WebhooksService],
})
export class WebhooksModule {}

/** The worker side: the outbox dispatcher (a poll loop, so only workers import this) and the delivery handler. */
@Module({
  imports: [QueueModule],
  providers: [...SHARED, WebhookDeliveryService, WebhookDispatcher],
  exports: [WebhookDeliveryService],
})
export class WebhookDeliveryModule {}
