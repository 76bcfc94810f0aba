import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { AppError, DatabaseHealthRepository, RedisHealthService } from '@app/core';
import { Public } from '../http/decorators';

const PROBE_TIMEOUT_MS = 1000;

@ApiTags('operations')
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: DatabaseHealthRepository,
    private readonly redis: RedisHealthService,
  ) {}

  @Get('healthz')
  @ApiOperation({ summary: 'Liveness: the process is up' })
  healthz() {
    return { status: 'ok' };
  }

  @Get('readyz')
  @ApiOperation({ summary: 'Readiness: Postgres and Redis answer' })
  async readyz() {
    try {
      return await this.health.check([
        () => this.probe('postgres', () => this.database.ping()),
        () => this.probe('redis', () => this.redis.ping()),
      ]);
    } catch (error) {
      if (error instanceof ServiceUnavailableException) {
        throw AppError.unready(error.getResponse() as Record<string, unknown>);
      }
      throw error;
    }
  }

  /** A probe answers within PROBE_TIMEOUT_MS: an outage must turn the server not-ready at once, not hang the check. */
  private async probe(key: string, ping: () => Promise<void>) {
    const indicator = this.indicators.check(key);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
    });
    try {
      await Promise.race([ping(), timeout]);
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    } finally {
      clearTimeout(timer);
    }
  }
}
