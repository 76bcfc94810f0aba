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
import { ApiKeyGuard } from './http/api-key.guard';
import { ApiKeyStrategy } from './http/api-key.strategy';
import { RATE_LIMIT_CLASS, routeMetadata } from './http/decorators';
import { ExceptionsFilter } from './http/exception.filter';
import { IdempotencyInterceptor } from './http/idempotency.interceptor';
import { RateLimitGuard } from './http/rate-limit.guard';
import { StorableInputInterceptor } from './http/storable-input.interceptor';
import { RequestValidationPipe, ValidationShapeInterceptor } from './http/validation';
import { McpModule } from './mcp/mcp.module';
import { StartupService } from './startup.service';
import { SURFACES } from './surfaces';

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
        throttlers: [
          ...config.rateLimitRules,
          ...SURFACES.flatMap((surface) => surface.rateLimits?.(config) ?? []),
        ].map((rule) => ({
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
  controllers: SURFACES.flatMap((surface) => surface.controllers),
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
