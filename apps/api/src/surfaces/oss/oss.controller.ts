import { Controller, Delete, Get, HttpCode, Param, Post, Put, UseInterceptors } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthContext } from '@app/auth';
import { AppError, ErrorCode, Role } from '@app/core';
import { legacyFilter, matchAll } from '@app/filters';
import {
  AddMemoriesService,
  DeletionService,
  mapMemory,
  MemoriesService,
  MemoryResponse,
  RetrievalService,
  UpdateMemoryDto,
} from '@app/memories';
import { ProjectsService } from '@app/tenancy';
import { AllowAnonymous, ApiToken, Auth, IgnoreTenantParams, RateLimit, ReadsOnly } from '../../http/decorators';
import { AddLimitsInterceptor } from '../../memories/add-limits.interceptor';
import { engineAdd } from '../engine-add';
import { oneOssMemory, ossAddItem, ossHistory, ossMemory } from '../fastapi/oss-memory';
import { SchemaBody, SchemaQuery } from '../../http/request-schema';
import { configuredPrompt } from './oss-config';
import { badRequest, entityIds, expirationDate, hasId, searchFilter, searchParams, toScope } from './oss-requests';
import {
  ADD_SCHEMA,
  AddBody,
  IDS_QUERY_SCHEMA,
  LIST_SCHEMA,
  ListQuery,
  OssIds,
  SEARCH_SCHEMA,
  SearchBody,
  UPDATE_SCHEMA,
  UpdateBody,
} from './oss.schemas';
import { RecordsRetrieval } from '../../memories/retrieval-events.interceptor';

const PROCEDURAL = 'procedural_memory';
const ALL_MEMORIES_LIMIT = 1000;
const LIST_TOP_K = 20;

/** A listed memory as mem0's `get_all` returns it: as `get`, without the score. */
function listedMemory(memory: MemoryResponse) {
  const { score, ...item } = ossMemory(memory);
  return item;
}

/** The admin listing's row (upstream `_serialize_memory`): every id, metadata always an object. */
function rawMemory(memory: MemoryResponse) {
  return {
    id: memory.id,
    memory: memory.memory,
    user_id: memory.user_id,
    agent_id: memory.agent_id,
    run_id: memory.run_id,
    hash: memory.hash,
    expiration_date: memory.expiration_date,
    metadata: memory.metadata ?? {},
    created_at: memory.created_at,
    updated_at: memory.updated_at,
  };
}

/** mem0 refuses other memory types; procedural memories (an LLM-written agent summary) are not made here. */
function checkMemoryType(memoryType: string | null | undefined, agentId: string | undefined): void {
  if (memoryType === null || memoryType === undefined) {
    return;
  }
  if (memoryType !== PROCEDURAL) {
    throw badRequest(`Invalid 'memory_type'. Please pass ${PROCEDURAL} to create procedural memories.`);
  }
  if (agentId) {
    throw badRequest('Procedural memories are not supported by this server.');
  }
}

/** The mem0 OSS REST server's memory routes, at the root and under `/oss`. */
@ApiTags('self-hosted servers')
@ApiToken()
@AllowAnonymous()
@IgnoreTenantParams()
@Controller(['', 'oss'])
export class OssController {
  constructor(
    private readonly adds: AddMemoriesService,
    private readonly memories: MemoriesService,
    private readonly retrieval: RetrievalService,
    private readonly deletion: DeletionService,
    private readonly projects: ProjectsService,
  ) {}

  @Post('memories')
  @HttpCode(200)
  @RateLimit('add')
  @UseInterceptors(AddLimitsInterceptor)
  @ApiOperation({
    summary: 'OSS: add memories',
    description:
      'Extracts facts and ADDs, UPDATEs or DELETEs memories (mem0 v1.1 results; NOOPs are not listed). ' +
      "`prompt`, else the project's configured extraction prompt, guides extraction.",
  })
  async ossAddMemories(@Auth() auth: AuthContext, @SchemaBody(ADD_SCHEMA) body: AddBody) {
    if (!hasId(body)) {
      throw badRequest('At least one identifier (user_id, agent_id, run_id) is required.');
    }
    const ids = entityIds(body);
    checkMemoryType(body.memory_type, ids.agent_id);
    const expiration = body.expiration_date == null ? undefined : expirationDate(body.expiration_date);
    if (body.messages.length === 0) {
      return { results: [] };
    }
    const stored = body.prompt ? null : (await this.projects.settings(auth.projectId)).ossConfig;
    const dto = engineAdd({
      ...ids,
      messages: body.messages,
      metadata: body.metadata,
      infer: body.infer,
      expiration_date: expiration,
    });
    const outcome = await this.adds.add(auth.projectId, dto, 'v1', true, {
      wholeScope: true,
      customPrompt: body.prompt || configuredPrompt(stored),
    });
    if (outcome.kind === 'queued') {
      return { results: [], event_id: outcome.eventId, status: 'PENDING' };
    }
    return { results: outcome.results.filter((item) => item.event !== 'NOOP').map(ossAddItem) };
  }

  @Get('memories')
  @RecordsRetrieval('GET_ALL')
  @ApiOperation({
    summary: 'OSS: list memories',
    description:
      'Newest first. With user_id / agent_id / run_id: their memories (top_k, default 20). ' +
      'Without: every memory of the project (top_k, default 1000), owner keys only.',
  })
  async ossListMemories(@Auth() auth: AuthContext, @SchemaQuery(LIST_SCHEMA) query: ListQuery) {
    const ids = entityIds(query, true);
    if (!hasId(ids)) {
      if (auth.role !== Role.OWNER) {
        throw AppError.detail(ErrorCode.Forbidden, 'Admin role required to list all memories.');
      }
      // The full listing is raw upstream: expired memories included.
      const page = { offset: 0, limit: query.top_k ?? ALL_MEMORIES_LIMIT };
      const { rows } = await this.retrieval.list(auth.projectId, { filter: matchAll(), showExpired: true }, page);
      return { results: rows.map((row) => rawMemory(mapMemory(row))) };
    }
    const scope = { filter: legacyFilter(ids)!, showExpired: query.show_expired };
    const { rows } = await this.retrieval.list(auth.projectId, scope, { offset: 0, limit: query.top_k ?? LIST_TOP_K });
    return { results: rows.map((row) => listedMemory(mapMemory(row))) };
  }

  @Get('memories/:memory_id')
  @ApiOperation({ summary: 'OSS: one memory' })
  async ossGetMemory(@Auth() auth: AuthContext, @Param('memory_id') memoryId: string) {
    return ossMemory(await oneOssMemory(memoryId, () => this.memories.get(auth.projectId, memoryId)));
  }

  @Put('memories/:memory_id')
  @ApiOperation({
    summary: 'OSS: update a memory',
    description: 'text replaces the memory, metadata is merged into it, expiration_date (null clears) is set.',
  })
  async ossUpdateMemory(
    @Auth() auth: AuthContext,
    @Param('memory_id') memoryId: string,
    @SchemaBody(UPDATE_SCHEMA) body: UpdateBody,
  ) {
    const expires = Object.hasOwn(body, 'expiration_date');
    if (body.text == null && body.metadata == null && !expires) {
      throw badRequest('At least one of text, metadata, or expiration_date must be provided.');
    }
    if (body.text != null && !body.text.trim()) {
      throw badRequest('text must not be empty.');
    }
    const current = await oneOssMemory(memoryId, () => this.memories.get(auth.projectId, memoryId));
    const change: UpdateMemoryDto = {};
    if (body.text != null) {
      change.text = body.text;
    }
    if (body.metadata != null) {
      change.metadata = { ...(current.metadata ?? {}), ...body.metadata };
    }
    if (expires) {
      change.expiration_date = body.expiration_date == null ? null : expirationDate(body.expiration_date);
    }
    await oneOssMemory(memoryId, () => this.memories.update(auth.projectId, memoryId, change));
    return { message: 'Memory updated successfully!' };
  }

  @Delete('memories/:memory_id')
  @ApiOperation({ summary: 'OSS: delete a memory' })
  async ossDeleteMemory(@Auth() auth: AuthContext, @Param('memory_id') memoryId: string) {
    await oneOssMemory(memoryId, () => this.memories.delete(auth.projectId, memoryId, false));
    return { message: 'Memory deleted successfully' };
  }

  @Delete('memories')
  @ApiOperation({ summary: 'OSS: delete the memories of user_id / agent_id / run_id (all given must match), now' })
  async ossDeleteMemories(@Auth() auth: AuthContext, @SchemaQuery(IDS_QUERY_SCHEMA) query: OssIds) {
    const ids = entityIds(query, true);
    if (!hasId(ids)) {
      throw badRequest('At least one identifier is required.');
    }
    await this.deletion.deleteNow(auth.projectId, { scope: toScope(ids) });
    return { message: 'All relevant memories deleted' };
  }

  @Get('memories/:memory_id/history')
  @ApiOperation({ summary: 'OSS: history of a memory, oldest first (kept after deletion)' })
  async ossMemoryHistory(@Auth() auth: AuthContext, @Param('memory_id') memoryId: string) {
    const entries = await oneOssMemory(memoryId, () => this.memories.history(auth.projectId, memoryId));
    return entries.map(ossHistory);
  }

  @Post('search')
  @RecordsRetrieval('SEARCH')
  @HttpCode(200)
  @ReadsOnly()
  @RateLimit('search')
  @ApiOperation({
    summary: 'OSS: search memories',
    description:
      'Semantic similarity fused with keyword rank, best first (top_k default 20, threshold default 0.1). ' +
      '`filters` uses mem0 keys (entity ids, AND/OR/NOT; any other key is a metadata field) and the platform ' +
      "v3 fields; top-level ids are ANDed in. explain adds each result's score_details.",
  })
  async ossSearch(@Auth() auth: AuthContext, @SchemaBody(SEARCH_SCHEMA) body: SearchBody) {
    const params = searchParams(body.query, body.top_k, body.threshold);
    const filter = searchFilter(body.filters, entityIds(body, true));
    const { hits } = await this.retrieval.search(
      auth.projectId,
      { filter, showExpired: body.show_expired === true },
      { ...params, rerank: false, hybrid: true },
    );
    return {
      results: hits.map((hit) => ({
        ...ossMemory(hit.memory, hit.score),
        ...(body.explain
          ? {
              score_details: {
                semantic_score: hit.breakdown.semantic,
                bm25_score: hit.breakdown.bm25,
                final_score: hit.score,
                threshold: params.threshold,
              },
            }
          : {}),
      })),
    };
  }

  @Post('reset')
  @HttpCode(200)
  @ApiOperation({ summary: 'OSS: delete every memory of the project (its configuration stays)' })
  async ossReset(@Auth() auth: AuthContext) {
    await this.deletion.deleteNow(auth.projectId, { scope: {} });
    return { message: 'All memories reset' };
  }
}
