import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthContext } from '@app/auth';
import { AppConfig } from '@app/core';
import { EntitiesService } from '@app/memories';
import { Access, ApiBearer, Auth, IgnoreTenantParams, Public, RateLimit } from '../../http/decorators';
import { ok } from './memory-system.envelope';

const uptimeSeconds = () => Math.floor(process.uptime());

/**
 * Health, status and metrics of the "Mem0 Memory System": `/memory-system/health` needs
 * no key, `/status` (also at `/status` with `Authorization: Bearer`) any key, `/metrics` an owner key.
 */
@ApiTags('self-hosted servers')
@IgnoreTenantParams()
@Controller('memory-system')
export class MemorySystemOpsController {
  constructor(
    private readonly config: AppConfig,
    private readonly entities: EntitiesService,
  ) {}

  @Get('health')
  @Public()
  @ApiOperation({ summary: 'Memory System: liveness, no key needed' })
  memorySystemHealth() {
    return ok({ status: 'healthy', service: 'mem0-memory-system' }, 'Service is healthy');
  }

  @Get('status')
  @ApiBearer()
  @RateLimit('memory-system')
  @ApiOperation({ summary: "Memory System: the key's project and role, the providers in use, uptime" })
  memorySystemStatus(@Auth() auth: AuthContext) {
    const data = {
      status: 'operational',
      project_id: auth.projectId,
      org_id: auth.orgId,
      role: auth.role,
      providers: { llm: this.config.llmProvider, embedder: this.config.embedderProvider },
      uptime_seconds: uptimeSeconds(),
    };
    return ok(data, 'Service is operational');
  }

  @Get('metrics')
  @Access('owner')
  @ApiBearer()
  @RateLimit('memory-system')
  @ApiOperation({ summary: "Memory System: the project's memory counts, process figures and rate limits (owner keys)" })
  async memorySystemMetrics(@Auth() auth: AuthContext) {
    const stats = await this.entities.stats(auth.projectId);
    const data = {
      project_id: auth.projectId,
      memories: {
        total: stats.total_memories,
        users: stats.total_users_with_memories,
        agents: stats.total_agents_with_memories,
        runs: stats.total_runs_with_memories,
      },
      events: { adds: stats.total_add_events, retrievals: stats.total_retrieval_events },
      process: { uptime_seconds: uptimeSeconds(), memory_rss_bytes: process.memoryUsage().rss },
      rate_limits: {
        enabled: this.config.env.RATE_LIMIT_ENABLED,
        per_minute: this.config.env.MEMORY_SYSTEM_RATE_LIMIT,
        burst_per_10_seconds: this.config.env.MEMORY_SYSTEM_RATE_LIMIT_BURST,
      },
    };
    return ok(data, 'Metrics retrieved successfully');
  }
}
