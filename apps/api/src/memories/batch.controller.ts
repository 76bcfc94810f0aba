import { Body, Controller, Delete, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthContext } from '@app/auth';
import { BatchDeleteDto, BatchService, BatchUpdateDto } from '@app/memories';
import { ApiToken, Auth, OnInvalid } from '../http/decorators';

/** Batch update and delete, canonical at `/v1/batch/`, aliased at `/v1/memories/batch/`. */
@ApiTags('memories')
@ApiToken()
@OnInvalid('error')
@Controller()
export class BatchController {
  constructor(private readonly batch: BatchService) {}

  @Put('v1/batch')
  @ApiOperation({
    summary: 'Update up to 1000 memories in one transaction (all checked first; any problem refuses all)',
  })
  updateMemoriesBatch(@Auth() auth: AuthContext, @Body() dto: BatchUpdateDto) {
    return this.batch.update(auth.projectId, dto.memories);
  }

  @Delete('v1/batch')
  @ApiOperation({
    summary: 'Delete up to 1000 memories in one transaction (all checked first; any problem refuses all)',
  })
  deleteMemoriesBatch(@Auth() auth: AuthContext, @Body() dto: BatchDeleteDto) {
    return this.batch.delete(auth.projectId, dto.memories);
  }

  @Put('v1/memories/batch')
  @ApiOperation({ summary: 'Alias of PUT /v1/batch/' })
  updateMemoriesBatchAlias(@Auth() auth: AuthContext, @Body() dto: BatchUpdateDto) {
    return this.batch.update(auth.projectId, dto.memories);
  }

  @Delete('v1/memories/batch')
  @ApiOperation({ summary: 'Alias of DELETE /v1/batch/; the list may also come as `memory_ids`' })
  deleteMemoriesBatchAlias(@Auth() auth: AuthContext, @Body() dto: BatchDeleteDto) {
    return this.batch.delete(auth.projectId, dto.memories ?? dto.memory_ids);
  }
}
