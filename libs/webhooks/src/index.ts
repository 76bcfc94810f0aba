export * from './delivery/delivery.service';
export * from './delivery/retry-schedule';
export { pinnedLookup } from './delivery/http-sender';
export * from './delivery/url-guard';
export * from './dto/webhook.dto';
export * from './event-types';
export * from './services/webhooks.service';
export * from './webhooks.module';
export * from './repositories/deliveries.repository';
