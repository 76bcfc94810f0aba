import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../http/decorators';

/**
 * `GET /health` of the OSS REST server (newer releases: `/api/health`) and the Memory Service (the
 * body is the Memory Service's).
 */
@ApiTags('self-hosted servers')
@Public()
@Controller()
export class CompatHealthController {
  @Get(['health', 'oss/health', 'memory-service/health', 'api/health', 'oss/api/health'])
  @ApiOperation({ summary: "Liveness in the self-hosted servers' form" })
  health() {
    return { status: 'ok', service: 'mem0-memory-service' };
  }
}
