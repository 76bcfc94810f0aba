import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthContext } from '@app/auth';
import { AppError, ErrorCode } from '@app/core';
import {
  DeletionService,
  DELETE_IN_PROGRESS,
  FeedbackDto,
  MemoriesService,
  Scope,
  UpdateMemoryDto,
} from '@app/memories';
import { ApiToken, Auth, OnInvalid } from '../http/decorators';
import { deleteSelectorFromQuery } from './query-params';

/** `DELETE /v1/memories/` by its query parameters (also the MCP tool's answer). */
export async function deleteMemories(deletion: DeletionService, projectId: string, query: Record<string, unknown>) {
  const selector = deleteSelectorFromQuery(query);
  if (!Object.values(selector.scope as Scope).some(Boolean)) {
    throw AppError.error(
      ErrorCode.BadRequest,
      "At least one filter is required: user_id, agent_id, app_id or run_id. Use '*' to match all.",
    );
  }
  const eventId = await deletion.request(projectId, selector);
  return { message: DELETE_IN_PROGRESS, event_id: eventId };
}

@ApiTags('memories')
@ApiToken()
@OnInvalid('error')
@Controller()
export class MemoriesController {
  constructor(
    private readonly memories: MemoriesService,
    private readonly deletion: DeletionService,
  ) {}

  @Get('v1/memories/:memoryId')
  getMemory(@Auth() auth: AuthContext, @Param('memoryId') memoryId: string) {
    return this.memories.get(auth.projectId, memoryId);
  }

  @Put('v1/memories/:memoryId')
  @ApiOperation({ summary: 'Update text, metadata, timestamp or expiration_date (immutable memories refuse)' })
  updateMemory(@Auth() auth: AuthContext, @Param('memoryId') memoryId: string, @Body() dto: UpdateMemoryDto) {
    return this.memories.update(auth.projectId, memoryId, dto);
  }

  @Delete('v1/memories/:memoryId')
  deleteMemory(
    @Auth() auth: AuthContext,
    @Param('memoryId') memoryId: string,
    @Query('delete_linked') deleteLinked?: string,
  ) {
    return this.memories.delete(auth.projectId, memoryId, deleteLinked === 'true' || deleteLinked === '1');
  }

  @Get('v1/memories/:memoryId/history')
  @ApiOperation({ summary: 'History of one memory, oldest first (kept after deletion)' })
  getMemoryHistory(@Auth() auth: AuthContext, @Param('memoryId') memoryId: string) {
    return this.memories.history(auth.projectId, memoryId);
  }

  @Delete('v1/memories')
  @ApiOperation({
    summary: 'Delete the memories of user_id / agent_id / app_id / run_id (`*` = all) in the background',
  })
  deleteMemories(@Auth() auth: AuthContext, @Query() query: Record<string, unknown>) {
    return deleteMemories(this.deletion, auth.projectId, query);
  }

  @Post('v1/feedback')
  @HttpCode(200)
  createFeedback(@Auth() auth: AuthContext, @Body() dto: FeedbackDto) {
    return this.memories.feedback(auth.projectId, auth.userId, dto);
  }
}
