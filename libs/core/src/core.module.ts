import { Global, Module } from '@nestjs/common';
import { AppConfig, loadConfig } from './config/app-config';
import { MetricsService } from './metrics/metrics.service';
import { DatabaseHealthRepository } from './prisma/database-health.repository';
import { PrismaService } from './prisma/prisma.service';
import { RedisHealthService } from './redis/redis-health.service';
import { RedisModule } from './redis/redis.module';
import { TracingService } from './tracing/tracing.service';

/** Configuration, Postgres (Prisma), Redis, metrics and traces for every app; tests override AppConfig. */
@Global()
@Module({
  imports: [RedisModule],
  providers: [
    { provide: AppConfig, useFactory: () => loadConfig() },
    PrismaService,
    DatabaseHealthRepository,
    RedisHealthService,
    MetricsService,
    TracingService,
  ],
  exports: [
    AppConfig,
    PrismaService,
    DatabaseHealthRepository,
    RedisHealthService,
    RedisModule,
    MetricsService,
    TracingService,
  ],
})
export class CoreModule {}
