export * from './config/app-config';
export * from './core.module';
export * from './errors/app-error';
export * from './errors/dependency-errors';
export * from './idempotency/idempotency.store';
export * from './logging/logging.module';
export * from './metrics/metrics.service';
export * from './prisma/database-health.repository';
export * from './prisma/prisma.service';
export * from './redis/redis';
export * from './redis/redis-health.service';
export * from './redis/redis.module';
export * from './tracing/spans';
export * from './tracing/tracing.service';
export * from './util/ids';
export * from './util/json-object';
export { Prisma, Role } from './prisma/generated/client';
export type {
  AgentAccount,
  ApiKey,
  Entity,
  Event,
  Memory,
  MemoryFeedback,
  MemoryHistory,
  Organization,
  Project,
  User,
  Webhook,
  WebhookDelivery,
  WebhookDeliveryAttempt,
} from './prisma/generated/client';
export * from './util/time';
export * from './errors/validation-error';
export * from './util/storable-text';
export * from './util/json-depth';
