import { Global, Module } from '@nestjs/common';
import { AppConfig, loadConfig } from './config/app-config';
import { DatabaseHealthRepository } from './prisma/database-health.repository';
import { PrismaService } from './prisma/prisma.service';
import { RedisHealthService } from './redis/redis-health.service';
import { RedisModule } from './redis/redis.module';

/** Configuration, Postgres (Prisma) and Redis for every app; tests override AppConfig. */
@Global()
@Module({
  imports: [RedisModule],
  providers: [
    { provide: AppConfig, useFactory: () => loadConfig() },
    PrismaService,
    DatabaseHealthRepository,
    RedisHealthService,
  ],
  exports: [AppConfig, PrismaService, DatabaseHealthRepository, RedisHealthService, RedisModule],
})
export class CoreModule {}
