import { Body, Controller, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthContext } from '@app/auth';
import { AppError, ErrorCode } from '@app/core';
import { parseFilter } from '@app/filters';
import {
  mapMemory,
  RetrievalService,
  SEARCH_DEFAULTS,
  SearchHit,
  SearchMemoriesDto,
  SummaryDto,
  SummaryService,
} from '@app/memories';
import { ApiToken, Auth, OnInvalid, RateLimit, ReadsOnly } from '../http/decorators';
import { project, v1SearchScope, v2Scope, v3Scope } from './retrieval-requests';
import { RecordsRetrieval } from './retrieval-events.interceptor';

const instant = (value: number | string | undefined) =>
  value === undefined ? undefined : typeof value === 'number' ? new Date(value * 1000) : new Date(value);

const withScore = (hit: SearchHit) => ({ ...hit.memory, score: hit.score });

/** The v3 search answer (also the MCP search tool's). */
export async function v3Search(retrieval: RetrievalService, projectId: string, dto: SearchMemoriesDto) {
  const { hits } = await retrieval.search(projectId, v3Scope(dto), {
    query: dto.query,
    topK: dto.top_k ?? SEARCH_DEFAULTS.topK,
    threshold: dto.threshold ?? SEARCH_DEFAULTS.v3Threshold,
    rerank: dto.rerank === true,
    hybrid: true,
    keywordOnly: dto.keyword_search === true,
    referenceDate: instant(dto.reference_date),
    decay: true,
  });
  return {
    results: hits.map((hit) => project({ ...withScore(hit), score_breakdown: hit.breakdown }, dto.fields)),
  };
}

/** Semantic search on every API version and the summary of a filter. */
@ApiTags('memories')
@ApiToken()
@Controller()
export class SearchMemoriesController {
  constructor(
    private readonly retrieval: RetrievalService,
    private readonly summaries: SummaryService,
  ) {}

  @Post('v3/memories/search')
  @RecordsRetrieval('SEARCH')
  @ReadsOnly()
  @HttpCode(200)
  @RateLimit('search')
  @OnInvalid('error')
  @ApiOperation({ summary: 'Search: semantic similarity fused with full-text rank; filters must scope an entity' })
  searchV3(@Auth() auth: AuthContext, @Body() dto: SearchMemoriesDto) {
    return v3Search(this.retrieval, auth.projectId, dto);
  }

  @Post('v2/memories/search')
  @RecordsRetrieval('SEARCH')
  @ReadsOnly()
  @HttpCode(200)
  @RateLimit('search')
  @OnInvalid('message')
  @ApiOperation({ summary: 'Legacy search with v2 filters: a list, or {results} with output_format v1.1' })
  async searchV2(@Auth() auth: AuthContext, @Body() dto: SearchMemoriesDto) {
    const { hits } = await this.retrieval.search(auth.projectId, v2Scope(dto), {
      query: dto.query,
      topK: dto.top_k ?? dto.limit ?? SEARCH_DEFAULTS.topK,
      threshold: dto.threshold ?? SEARCH_DEFAULTS.v2Threshold,
      rerank: dto.rerank === true,
      hybrid: dto.keyword_search === true,
    });
    const results = hits.map((hit) => project(withScore(hit), dto.fields));
    return dto.output_format === 'v1.1' ? { results } : results;
  }

  @Post('v1/memories/search')
  @RecordsRetrieval('SEARCH')
  @ReadsOnly()
  @HttpCode(200)
  @RateLimit('search')
  @OnInvalid('message')
  @ApiOperation({ summary: 'Legacy search with flat entity ids (?version=v2: as the v2 route)' })
  async searchV1(@Auth() auth: AuthContext, @Body() dto: SearchMemoriesDto, @Query('version') version?: string) {
    if (version === 'v2') {
      return this.searchV2(auth, dto);
    }
    const scope = v1SearchScope(dto);
    const topK = dto.top_k ?? dto.limit ?? SEARCH_DEFAULTS.topK;
    const results = dto.only_metadata_based_search
      ? (await this.retrieval.list(auth.projectId, scope, { offset: 0, limit: topK })).rows.map((row) =>
          project({ ...mapMemory(row), score: null }, dto.fields),
        )
      : (
          await this.retrieval.search(auth.projectId, scope, {
            query: dto.query,
            topK,
            threshold: dto.threshold ?? null,
            rerank: dto.rerank === true,
            hybrid: dto.keyword_search === true,
          })
        ).hits.map((hit) => project(withScore(hit), dto.fields));
    return dto.output_format === 'v1.1' ? { results, relations: [] } : results;
  }

  @Post('v1/summary')
  @ReadsOnly()
  @HttpCode(200)
  @OnInvalid('message')
  @ApiOperation({ summary: 'A summary of the memories a filter matches, made now' })
  summary(@Auth() auth: AuthContext, @Body() dto: SummaryDto) {
    const filters = dto.filters;
    if (!filters || typeof filters !== 'object' || Array.isArray(filters) || Object.keys(filters).length === 0) {
      throw AppError.message(ErrorCode.BadRequest, 'Filters are required');
    }
    return this.summaries.summarize(auth.projectId, parseFilter(filters), filters);
  }
}
