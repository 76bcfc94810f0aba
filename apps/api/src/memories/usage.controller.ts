import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AuthContext } from '@app/auth';
import { MAX_USAGE_DAYS, UsageService } from '@app/memories';
import { ApiToken, Auth } from '../http/decorators';

@ApiTags('entities')
@ApiToken()
@Controller('v1/stats/usage')
export class UsageController {
  constructor(private readonly usage: UsageService) {}

  @Get()
  @ApiOperation({
    summary: 'Activity per UTC day, oldest first (clone extension): memories added, add requests, searches',
  })
  @ApiQuery({ name: 'days', required: false, description: `1 to ${MAX_USAGE_DAYS}, default 30 (ending today)` })
  @ApiOkResponse({
    schema: { example: { days: [{ date: '2026-01-31', memories_added: 12, adds: 4, searches: 9 }] } },
  })
  getUsage(@Auth() auth: AuthContext, @Query('days') days?: string) {
    return this.usage.perDay(auth.projectId, days);
  }
}
