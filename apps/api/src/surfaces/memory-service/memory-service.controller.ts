import { Controller, Delete, Get, HttpCode, Param, Post, Put, UseInterceptors } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthContext } from '@app/auth';
import { allOf, isIn } from '@app/filters';
import { AddMemoriesService, AddOutcome, mapMemory, MemoriesService, RetrievalService } from '@app/memories';
import { AllowAnonymous, ApiToken, Auth, IgnoreTenantParams, RateLimit, ReadsOnly } from '../../http/decorators';
import { AddLimitsInterceptor } from '../../memories/add-limits.interceptor';
import { engineAdd } from '../engine-add';
import { oneOssMemory, ossAddItem, ossHistory, ossMemory } from '../fastapi/oss-memory';
import { SchemaBody, SchemaQuery, SchemaValidationError } from '../../http/request-schema';
import {
  ADD_SCHEMA,
  AddBody,
  COMBINED_SEARCH_SCHEMA,
  CombinedSearchBody,
  LIST_SCHEMA,
  ListQuery,
  SEARCH_SCHEMA,
  SearchBody,
  UPDATE_SCHEMA,
  UpdateBody,
} from './memory-service.schemas';
import { idsFilter, mergeBySource, NO_RUN, recentRunIds } from './memory-service.scope';
import { RecordsRetrieval } from '../../memories/retrieval-events.interceptor';

/** The service's messages: `messages` when given, else `text` as one user message. */
function messagesOf(body: AddBody) {
  return body.messages?.length ? body.messages : [{ role: 'user', content: body.text ?? '' }];
}

function addResponse(outcome: AddOutcome) {
  if (outcome.kind === 'queued') {
    const token_usage = { llm_calls: 0, input_tokens: 0, output_tokens: 0, total_tokens: 0 };
    return { results: [], event_id: outcome.eventId, status: 'PENDING', token_usage };
  }
  const { llmCalls, inputTokens, outputTokens } = outcome.usage;
  return {
    results: outcome.results.map(ossAddItem),
    token_usage: {
      llm_calls: llmCalls,
      input_tokens: inputTokens,
      output_tokens: outputTokens,
      total_tokens: inputTokens + outputTokens,
    },
  };
}

/**
 * The "Memory Service": a FastAPI server over the mem0 library with long-term memory
 * (no run_id) and short-term memory (run_id = a day, YYYY-MM-DD). Served at `/memory/*` and
 * `/memory-service/memory/*`, keyless when the deployment allows it.
 */
@ApiTags('self-hosted servers')
@ApiToken()
@AllowAnonymous()
@IgnoreTenantParams()
@Controller(['memory', 'memory-service/memory'])
export class MemoryServiceController {
  constructor(
    private readonly adds: AddMemoriesService,
    private readonly retrieval: RetrievalService,
    private readonly memories: MemoriesService,
  ) {}

  @Post('add')
  @HttpCode(200)
  @RateLimit('add')
  @UseInterceptors(AddLimitsInterceptor)
  @ApiOperation({
    summary: 'Memory Service: add from `text` or `messages` (messages win when both are given)',
    description:
      'Answers `{"results": [{id, memory, event, previous_memory?}], "token_usage": {llm_calls, input_tokens, ' +
      'output_tokens, total_tokens}}`; `custom_extraction_prompt` replaces the extraction prompt for this call.',
  })
  async add(@Auth() auth: AuthContext, @SchemaBody(ADD_SCHEMA) body: AddBody) {
    if (!body.text && !body.messages?.length) {
      throw SchemaValidationError.valueError('body', 'Either text or messages is required', body);
    }
    const dto = engineAdd({ ...body, messages: messagesOf(body) });
    const outcome = await this.adds.add(auth.projectId, dto, 'v1', true, {
      wholeScope: true,
      customPrompt: body.custom_extraction_prompt ?? null,
    });
    return addResponse(outcome);
  }

  @Post('search')
  @RecordsRetrieval('SEARCH')
  @HttpCode(200)
  @ReadsOnly()
  @RateLimit('search')
  @ApiOperation({ summary: 'Memory Service: semantic search in user_id (+ agent_id, run_id), best first' })
  async search(@Auth() auth: AuthContext, @SchemaBody(SEARCH_SCHEMA) body: SearchBody) {
    const filter = idsFilter({ user_id: body.user_id, agent_id: body.agent_id, run_id: body.run_id });
    const { hits } = await this.retrieval.search(auth.projectId, { filter }, this.searchOptions(body));
    return { results: hits.map((hit) => ossMemory(hit.memory, hit.score)) };
  }

  @Post('search_combined')
  @RecordsRetrieval('SEARCH')
  @HttpCode(200)
  @ReadsOnly()
  @RateLimit('search')
  @ApiOperation({
    summary: 'Memory Service: long-term memory plus the short-term memory of the last recent_days days',
    description:
      'Long-term = memories without run_id; short-term = memories whose run_id is one of the last ' +
      '`recent_days` UTC dates (YYYY-MM-DD, today included). `top_k` applies to each before they are merged ' +
      'best first and de-duplicated (by id and by identical text, keeping the higher score). Each result ' +
      'carries `"source": "long_term"` or `"short_term"`.',
  })
  async searchCombined(@Auth() auth: AuthContext, @SchemaBody(COMBINED_SEARCH_SCHEMA) body: CombinedSearchBody) {
    const owner = idsFilter({ user_id: body.user_id, agent_id: body.agent_id });
    const recent = isIn('run_id', recentRunIds(body.recent_days));
    const options = this.searchOptions(body);
    const [longTerm, shortTerm] = await Promise.all([
      this.retrieval.search(auth.projectId, { filter: allOf([owner, NO_RUN])! }, options),
      this.retrieval.search(auth.projectId, { filter: allOf([owner, recent])! }, options),
    ]);
    const merged = mergeBySource([
      { source: 'long_term', hits: longTerm.hits },
      { source: 'short_term', hits: shortTerm.hits },
    ]);
    return { results: merged.map(({ source, hit }) => ({ ...ossMemory(hit.memory, hit.score), source })) };
  }

  @Get('list')
  @RecordsRetrieval('GET_ALL')
  @ApiOperation({ summary: 'Memory Service: memories of user_id (+ agent_id, run_id), newest first (at most 1000)' })
  async list(@Auth() auth: AuthContext, @SchemaQuery(LIST_SCHEMA) query: ListQuery) {
    const filter = idsFilter({ user_id: query.user_id, agent_id: query.agent_id, run_id: query.run_id });
    const { rows } = await this.retrieval.list(auth.projectId, { filter }, { offset: 0, limit: query.limit });
    return { results: rows.map((row) => ossMemory(mapMemory(row))) };
  }

  @Get('history/:memoryId')
  @ApiOperation({ summary: 'Memory Service: the changes of one memory, oldest first' })
  async history(@Auth() auth: AuthContext, @Param('memoryId') memoryId: string) {
    const entries = await oneOssMemory(memoryId, () => this.memories.history(auth.projectId, memoryId));
    return entries.map(ossHistory);
  }

  @Put('update')
  @ApiOperation({ summary: 'Memory Service: new text (and metadata) of one memory; answers the updated memory' })
  async update(@Auth() auth: AuthContext, @SchemaBody(UPDATE_SCHEMA) body: UpdateBody) {
    if (!body.text.trim()) {
      const msg = 'Value error, text must not be blank';
      throw new SchemaValidationError([{ type: 'value_error', loc: ['body', 'text'], msg, input: body.text }]);
    }
    const change = { text: body.text, ...(body.metadata ? { metadata: body.metadata } : {}) };
    const updated = await oneOssMemory(body.memory_id, () =>
      this.memories.update(auth.projectId, body.memory_id, change),
    );
    return { ...ossMemory(updated), message: updated.message };
  }

  @Get(':memoryId')
  @ApiOperation({ summary: 'Memory Service: one memory' })
  async get(@Auth() auth: AuthContext, @Param('memoryId') memoryId: string) {
    return ossMemory(await oneOssMemory(memoryId, () => this.memories.get(auth.projectId, memoryId)));
  }

  @Delete(':memoryId')
  @ApiOperation({ summary: 'Memory Service: forget one memory' })
  async delete(@Auth() auth: AuthContext, @Param('memoryId') memoryId: string) {
    await oneOssMemory(memoryId, () => this.memories.delete(auth.projectId, memoryId, false));
    return { message: 'Memory deleted successfully', id: memoryId };
  }

  private searchOptions(body: { query: string; top_k: number; min_score: number }) {
    return { query: body.query, topK: body.top_k, threshold: body.min_score, rerank: false, hybrid: false };
  }
}
