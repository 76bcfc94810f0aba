import { Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Put, Res, UseInterceptors } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { AuthContext } from '@app/auth';
import { isUuid } from '@app/core';
import { eq, ids as idsIn } from '@app/filters';
import {
  AddMemoriesDto,
  AddMemoriesService,
  mapMemory,
  MemoriesService,
  memoryNotFound,
  RetrievalService,
} from '@app/memories';
import { AddLimitsInterceptor } from '../../memories/add-limits.interceptor';
import { ApiBearer, Auth, IgnoreTenantParams, RateLimit } from '../../http/decorators';
import { engineAdd } from '../engine-add';
import { SchemaBody, SchemaQuery, SchemaValidationError } from '../../http/request-schema';
import { addMessage, ok, systemMemories } from './memory-system.envelope';
import {
  ADD_SCHEMA,
  AddBody,
  PAGE_SCHEMA,
  PageQuery,
  SEARCH_SCHEMA,
  SearchQuery,
  UPDATE_SCHEMA,
  UpdateBody,
} from './memory-system.schemas';
import { RecordsRetrieval } from '../../memories/retrieval-events.interceptor';

/** The add request the engine runs: a bare string is one user message. */
function toAddDto(body: AddBody): AddMemoriesDto {
  const messages = typeof body.messages === 'string' ? [{ role: 'user', content: body.messages }] : body.messages;
  return engineAdd({ ...body, messages });
}

/**
 * The memory routes of the "Mem0 Memory System": `/memory-system/v1/memories...`, also
 * reached at `/v1/memories...` (no trailing slash) with `Authorization: Bearer`. Answers in its
 * `{success, data, message, timestamp}` envelope; every memory carries its stored vector.
 */
@ApiTags('self-hosted servers')
@ApiBearer()
@IgnoreTenantParams()
@RateLimit('memory-system')
@Controller('memory-system')
export class MemorySystemController {
  constructor(
    private readonly adds: AddMemoriesService,
    private readonly memories: MemoriesService,
    private readonly retrieval: RetrievalService,
  ) {}

  @Post('v1/memories')
  @HttpCode(HttpStatus.CREATED)
  @UseInterceptors(AddLimitsInterceptor)
  @ApiOperation({
    summary: 'Memory System: add memories from messages (or one string); data = the memories created or updated',
  })
  async memorySystemAdd(
    @Auth() auth: AuthContext,
    @SchemaBody(ADD_SCHEMA) body: AddBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const outcome = await this.adds.add(auth.projectId, toAddDto(body), 'v1', true, { wholeScope: true });
    if (outcome.kind === 'queued') {
      void reply.status(HttpStatus.ACCEPTED);
      return ok([], `Memory processing is taking long and continues in the background (event ${outcome.eventId})`);
    }
    const kept = outcome.results.filter((item) => item.event === 'ADD' || item.event === 'UPDATE');
    const ids = [...new Set(kept.map((item) => item.id))];
    const { rows } = ids.length
      ? await this.retrieval.list(auth.projectId, { filter: idsIn(ids) }, { offset: 0, limit: ids.length })
      : { rows: [] };
    const byId = new Map(rows.map((row) => [row.id, mapMemory(row)]));
    // A memory a later fact of the same add deleted is gone: only the ones still stored are served.
    const stored = ids.flatMap((id) => {
      const memory = byId.get(id);
      return memory ? [{ memory }] : [];
    });
    const data = await systemMemories(this.memories, auth.projectId, stored);
    return ok(data, addMessage(outcome.results.map((item) => item.event)));
  }

  @Get('v1/memories/search')
  @RecordsRetrieval('SEARCH')
  @ApiOperation({ summary: "Memory System: semantic search in one user's memories (limit 1-100, default 10)" })
  async memorySystemSearch(@Auth() auth: AuthContext, @SchemaQuery(SEARCH_SCHEMA) query: SearchQuery) {
    const { hits } = await this.retrieval.search(
      auth.projectId,
      { filter: eq('user_id', query.user_id) },
      { query: query.query, topK: query.limit, threshold: null, rerank: false, hybrid: false },
    );
    const data = await systemMemories(
      this.memories,
      auth.projectId,
      hits.map((hit) => ({ memory: hit.memory, score: hit.score })),
    );
    return ok(data, `Found ${data.length} ${data.length === 1 ? 'memory' : 'memories'}`);
  }

  @Get('v1/memories/user/:userId')
  @RecordsRetrieval('GET_ALL')
  @ApiOperation({
    summary:
      "Memory System: a user's memories, newest first (limit 1-1000, default 100; offset); data = the list, " +
      'the total in the X-Total-Count header',
  })
  async memorySystemUserMemories(
    @Auth() auth: AuthContext,
    @Param('userId') userId: string,
    @SchemaQuery(PAGE_SCHEMA) page: PageQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { rows, count } = await this.retrieval.list(auth.projectId, { filter: eq('user_id', userId) }, page);
    const data = await systemMemories(
      this.memories,
      auth.projectId,
      rows.map((row) => ({ memory: mapMemory(row) })),
    );
    void reply.header('X-Total-Count', count);
    return ok(data, `Retrieved ${data.length} of ${count} memories`);
  }

  @Get('v1/memories/:memoryId')
  @ApiOperation({ summary: 'Memory System: one memory with its embedding (404 MEMORY_NOT_FOUND)' })
  async memorySystemGet(@Auth() auth: AuthContext, @Param('memoryId') memoryId: string) {
    return ok(await this.one(auth.projectId, memoryId), 'Memory retrieved successfully');
  }

  @Put('v1/memories/:memoryId')
  @ApiOperation({ summary: 'Memory System: change the content (alias text) and/or replace the metadata' })
  async memorySystemUpdate(
    @Auth() auth: AuthContext,
    @Param('memoryId') memoryId: string,
    @SchemaBody(UPDATE_SCHEMA) body: UpdateBody,
  ) {
    const text = body.content ?? body.text;
    if (text === undefined && body.metadata === undefined) {
      throw SchemaValidationError.valueError('body', 'content or metadata is required', body);
    }
    requireUuid(memoryId);
    const updated = await this.memories.update(auth.projectId, memoryId, { text, metadata: body.metadata });
    const [data] = await systemMemories(this.memories, auth.projectId, [{ memory: updated }]);
    return ok(data, 'Memory updated successfully');
  }

  @Delete('v1/memories/:memoryId')
  @ApiOperation({ summary: 'Memory System: delete one memory' })
  async memorySystemDelete(@Auth() auth: AuthContext, @Param('memoryId') memoryId: string) {
    requireUuid(memoryId);
    await this.memories.delete(auth.projectId, memoryId, false);
    return ok({ id: memoryId, deleted: true }, 'Memory deleted successfully');
  }

  private async one(projectId: string, memoryId: string) {
    requireUuid(memoryId);
    const [memory] = await systemMemories(this.memories, projectId, [
      { memory: await this.memories.get(projectId, memoryId) },
    ]);
    return memory;
  }
}

/** Any id that is not a UUID names no memory: 404, as the Memory System answers unknown ids. */
function requireUuid(memoryId: string): void {
  if (!isUuid(memoryId)) {
    throw memoryNotFound();
  }
}
