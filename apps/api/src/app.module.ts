import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import { TerminusModule } from '@nestjs/terminus';
import { Redis } from 'ioredis';
import { AppConfig, CoreModule, IdempotencyStore, LoggingModule, RateLimitClass, REDIS } from '@app/core';
import { AuthModule } from '@app/auth';
import { AiModule } from '@app/ai';
import { MemoriesModule } from '@app/memories';
import { QueueModule } from '@app/queue';
import { AgentSignupModule, TenancyModule } from '@app/tenancy';
import { WebhooksModule } from '@app/webhooks';
import { AgentModeController } from './agent-mode/agent-mode.controller';
import { ApiKeyGuard } from './common/api-key.guard';
import { ApiKeyStrategy } from './common/api-key.strategy';
import { RATE_LIMIT_CLASS, routeMetadata } from './common/decorators';
import { ExceptionsFilter } from './common/exception.filter';
import { IdempotencyInterceptor } from './common/idempotency.interceptor';
import { RateLimitGuard } from './common/rate-limit.guard';
import { StorableInputInterceptor } from './common/storable-input.interceptor';
import { RequestValidationPipe, ValidationShapeInterceptor } from './common/validation';
import { CompatHealthController } from './compat/health.controller';
import { MEMORY_SERVICE_CONTROLLERS } from './compat/memory-service';
import { MEMORY_SYSTEM_CONTROLLERS } from './compat/memory-system';
import { OSS_CONTROLLERS } from './compat/oss';
import { HealthController } from './health/health.controller';
import { McpModule } from './mcp/mcp.module';
import { AddMemoriesController } from './memories/add-memories.controller';
import { BatchController } from './memories/batch.controller';
import { EntitiesController } from './memories/entities.controller';
import { EventsController } from './memories/events.controller';
import { ExportsController } from './memories/exports.controller';
import { ListMemoriesController } from './memories/list-memories.controller';
import { MemoriesController } from './memories/memories.controller';
import { SearchMemoriesController } from './memories/search-memories.controller';
import { UsageController } from './memories/usage.controller';
import { MetricsController } from './metrics/metrics.controller';
import { ApiKeysController } from './orgs/api-keys.controller';
import { OrganizationsController } from './orgs/organizations.controller';
import { ProjectMembersController } from './orgs/project-members.controller';
import { ProjectsController } from './orgs/projects.controller';
import { PingController } from './ping/ping.controller';
import { ProfilesController } from './profiles/profiles.controller';
import { StartupService } from './startup.service';
import { WebhooksController } from './webhooks/webhooks.controller';

@Module({
  imports: [
    CoreModule,
    LoggingModule,
    AuthModule,
    TenancyModule,
    AgentSignupModule,
    AiModule,
    QueueModule,
    MemoriesModule,
    WebhooksModule,
    PassportModule,
    McpModule,
    TerminusModule.forRoot({ errorLogStyle: 'json' }),
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, REDIS],
      useFactory: (config: AppConfig, redis: Redis) => ({
        throttlers: config.rateLimitRules.map((rule) => ({
          name: rule.name,
          ttl: rule.ttlMs,
          limit: rule.limit,
          skipIf: (context) =>
            (routeMetadata<RateLimitClass>(context, RATE_LIMIT_CLASS) ?? 'default') !== rule.routeClass,
        })),
        storage: new ThrottlerStorageRedisService(redis),
      }),
    }),
  ],
  controllers: [
    HealthController,
    MetricsController,
    PingController,
    AgentModeController,
    OrganizationsController,
    ProjectsController,
    ProjectMembersController,
    ApiKeysController,
    AddMemoriesController,
    MemoriesController,
    ListMemoriesController,
    SearchMemoriesController,
    EventsController,
    EntitiesController,
    UsageController,
    WebhooksController,
    BatchController,
    ExportsController,
    ProfilesController,
    CompatHealthController,
    ...OSS_CONTROLLERS,
    ...MEMORY_SERVICE_CONTROLLERS,
    ...MEMORY_SYSTEM_CONTROLLERS,
  ],
  providers: [
    ApiKeyStrategy,
    StartupService,
    { provide: APP_GUARD, useClass: ApiKeyGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
    { provide: APP_FILTER, useClass: ExceptionsFilter },
    { provide: APP_PIPE, useClass: RequestValidationPipe },
    { provide: APP_INTERCEPTOR, useClass: ValidationShapeInterceptor },
    { provide: APP_INTERCEPTOR, useClass: StorableInputInterceptor },
    IdempotencyStore,
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
  ],
})
export class ApiModule {}
