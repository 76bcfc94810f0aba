import { ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerRequest } from '@nestjs/throttler';
import { AppConfig, AppError, ErrorCode, MetricsService, PERMISSION_DENIED, RateLimitClass } from '@app/core';
import { AuthContext } from '@app/auth';
import { RATE_LIMIT_CLASS, routeMetadata } from './decorators';

interface Reply {
  header(name: string, value: string | number): unknown;
}

/**
 * Per-API-key limits per route class, counted in Redis (shared by every replica). Sends the
 * `X-RateLimit-*` headers the official clients read, plus the IETF `RateLimit`/`RateLimit-Policy` fields.
 * Agent sign-up has no key yet: it is counted per client IP, whatever RATE_LIMIT_ENABLED says.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  private readonly log = new Logger(RateLimitGuard.name);

  @Inject(AppConfig)
  private readonly config: AppConfig;

  @Inject(MetricsService)
  private readonly metrics: MetricsService;

  protected shouldSkip(context: ExecutionContext): Promise<boolean> {
    if (isSignup(context)) {
      return Promise.resolve(false);
    }
    const user = context.switchToHttp().getRequest<{ user?: AuthContext }>().user;
    return Promise.resolve(!user || !this.config.env.RATE_LIMIT_ENABLED);
  }

  protected async handleRequest({ context, limit, ttl, throttler, blockDuration }: ThrottlerRequest): Promise<boolean> {
    const request = context.switchToHttp().getRequest<{ user?: AuthContext; ip: string }>();
    const reply = context.switchToHttp().getResponse<Reply>();
    const name = throttler.name ?? 'default';
    const signup = isSignup(context);
    const tracker = signup ? `signup:${request.ip}` : `rl:${request.user!.keyId}`;
    let state;
    try {
      state = await this.storageService.increment(tracker, ttl, limit, blockDuration, name);
    } catch (error) {
      // Failing open keeps the API serving while Redis is away; /readyz reports the outage.
      this.log.warn(`rate limiting skipped: ${error instanceof Error ? error.message : String(error)}`);
      return true;
    }
    const remaining = Math.max(0, limit - state.totalHits);
    const resetIn = Math.max(0, state.isBlocked ? state.timeToBlockExpire : state.timeToExpire);
    reply.header('X-RateLimit-Limit', limit);
    reply.header('X-RateLimit-Remaining', remaining);
    reply.header('X-RateLimit-Reset', Math.floor(Date.now() / 1000) + resetIn);
    reply.header('RateLimit-Policy', `"${name}";q=${limit};w=${Math.round(ttl / 1000)}`);
    reply.header('RateLimit', `"${name}";r=${remaining};t=${resetIn}`);
    if (state.isBlocked) {
      this.metrics.rateLimited.inc({ class: name });
      const retryAfter = Math.max(1, state.timeToBlockExpire);
      reply.header('Retry-After', retryAfter);
      if (signup) {
        // The platform refuses sign-ups past the daily limit with a 403, which the CLI explains as that limit.
        throw AppError.detail(ErrorCode.Forbidden, PERMISSION_DENIED);
      }
      throw AppError.detail(ErrorCode.Throttled, `Request was throttled. Expected available in ${retryAfter} seconds.`);
    }
    return true;
  }
}

function isSignup(context: ExecutionContext): boolean {
  return routeMetadata<RateLimitClass>(context, RATE_LIMIT_CLASS) === 'agent-signup';
}
