import { Body, Controller, HttpCode, Post, UseInterceptors } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthContext } from '@app/auth';
import { AddMemoriesDto, AddMemoriesService, AddOutcome, AddResultItem, structuredAttributes } from '@app/memories';
import { AddLimitsInterceptor } from './add-limits.interceptor';
import { ApiToken, Auth, OnInvalid, RateLimit } from '../http/decorators';

const QUEUED = 'Memory processing has been queued for background execution';

function legacyItem(item: AddResultItem) {
  return {
    id: item.id,
    memory: item.memory,
    event: item.event,
    data: item.data,
    ...(item.previous_memory !== undefined ? { previous_memory: item.previous_memory } : {}),
    structured_attributes: structuredAttributes(new Date(item.created_at)),
  };
}

/** The add routes: current v3 (additive) and legacy v1 (ADD/UPDATE/DELETE/NOOP). */
@ApiTags('memories')
@ApiToken()
@RateLimit('add')
@OnInvalid('add')
@UseInterceptors(AddLimitsInterceptor)
@Controller()
export class AddMemoriesController {
  constructor(private readonly adds: AddMemoriesService) {}

  @Post('v3/memories/add')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add memories: queued (PENDING event) unless infer=false or async_mode=false' })
  async addMemories(@Auth() auth: AuthContext, @Body() dto: AddMemoriesDto) {
    return v3AddResponse(await this.adds.add(auth.projectId, dto, 'v3', dto.async_mode === false));
  }

  @Post('v1/memories')
  @HttpCode(200)
  @ApiOperation({ summary: 'Legacy add: async_mode (default true) and output_format v1.0 / v1.1 envelopes' })
  async addMemoriesLegacy(@Auth() auth: AuthContext, @Body() dto: AddMemoriesDto) {
    const outcome = await this.adds.add(auth.projectId, dto, 'v1', dto.async_mode === false);
    const items = legacyItems(outcome);
    return dto.output_format === 'v1.1' ? { results: items, relations: [] } : items;
  }
}

/** The v3 add answer: PENDING with its event, or the stored items when the add ran inline. */
export function v3AddResponse(outcome: AddOutcome) {
  if (outcome.kind === 'queued') {
    return { event_id: outcome.eventId, status: 'PENDING', message: QUEUED };
  }
  return {
    message: 'Memories stored successfully',
    status: 'SUCCEEDED',
    event_id: outcome.eventId,
    results: outcome.results.map((item) => ({ id: item.id, memory: item.memory, data: item.data, event: item.event })),
  };
}

function legacyItems(outcome: AddOutcome) {
  if (outcome.kind === 'queued') {
    return [{ message: QUEUED, status: 'PENDING', event_id: outcome.eventId }];
  }
  return outcome.results.map(legacyItem);
}
