import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyRequest } from 'fastify';
import { AuthContext } from '@app/auth';
import { AppConfig, AppError, ErrorCode, formatTimestamp, PERMISSION_DENIED, Role } from '@app/core';
import { legacyFilter } from '@app/filters';
import {
  AddMemoriesDto,
  AddMemoriesService,
  ENTITY_TYPES,
  EntityType,
  formatDate,
  ListMemoriesDto,
  mapMemory,
  RetrievalScope,
  RetrievalService,
} from '@app/memories';
import { refuseOverLimits } from './add-limits.interceptor';
import { Access, ApiToken, Auth, OnInvalid, ReadsOnly } from '../http/decorators';
import { envelope, LinkBase, PageRequest, parsePage } from '../http/pagination';
import { RequestValidationPipe } from '../http/validation';
import { v3AddResponse } from './add-memories.controller';
import { project, v1ListScope, v2Scope, v3Scope } from './retrieval-requests';
import { RecordsRetrieval } from './retrieval-events.interceptor';

export const LIST_PAGE = { pageSize: 100, maxPageSize: 200 };
const MAX_LIMIT = 200;

type QueryParams = Record<string, unknown>;

function listPage(retrieval: RetrievalService, projectId: string, scope: RetrievalScope, page: PageRequest) {
  return retrieval.list(projectId, scope, { offset: (page.page - 1) * page.pageSize, limit: page.pageSize });
}

/** The v3 list answer (also the MCP list tool's). */
export async function v3List(
  retrieval: RetrievalService,
  projectId: string,
  dto: ListMemoriesDto,
  page: PageRequest,
  links: LinkBase,
) {
  const items = await listPage(retrieval, projectId, v3Scope(dto), page);
  return envelope(
    links,
    page,
    items.count,
    items.rows.map((row) => project(mapMemory(row), dto.fields)),
  );
}

/** The list routes of every API version, newest first. */
@ApiTags('memories')
@ApiToken()
@Controller()
export class ListMemoriesController {
  constructor(
    private readonly retrieval: RetrievalService,
    private readonly adds: AddMemoriesService,
    private readonly config: AppConfig,
  ) {}

  @Post('v3/memories')
  // A list for any key; the add it also takes checks the role itself.
  @Access('read')
  @RecordsRetrieval('GET_ALL')
  @HttpCode(200)
  @OnInvalid('error')
  @ApiOperation({ summary: 'List memories matching filters (page and page_size in the query win over the body)' })
  async listV3(
    @Auth() auth: AuthContext,
    @Body() dto: ListMemoriesDto,
    @Query() query: QueryParams,
    @Req() request: FastifyRequest,
  ) {
    if (dto.messages !== undefined && dto.filters === undefined) {
      return this.addAlias(auth, request);
    }
    const page = parsePage({ page: query.page ?? dto.page, page_size: query.page_size ?? dto.page_size }, LIST_PAGE);
    return v3List(this.retrieval, auth.projectId, dto, page, request);
  }

  @Post('v2/memories')
  @RecordsRetrieval('GET_ALL')
  @ReadsOnly()
  @HttpCode(200)
  @OnInvalid('message')
  @ApiOperation({ summary: 'Legacy list: envelope when page and page_size are in the query, else a list' })
  async listV2(
    @Auth() auth: AuthContext,
    @Body() dto: ListMemoriesDto,
    @Query() query: QueryParams,
    @Req() request: FastifyRequest,
  ) {
    const paginated = query.page !== undefined && query.page_size !== undefined;
    const page = parsePage(paginated ? query : { page: dto.page, page_size: dto.page_size }, LIST_PAGE);
    const items = await this.page(auth, v2Scope(dto), page);
    const results = items.rows.map((row) => project(mapMemory(row), dto.fields));
    if (paginated) {
      return envelope(request, page, items.count, results);
    }
    if (dto.output_format === 'v1.1') {
      return dto.enable_graph ? { results, relations: [] } : { results };
    }
    return results;
  }

  @Get('v1/memories')
  @RecordsRetrieval('GET_ALL')
  @OnInvalid('error')
  @ApiOperation({ summary: 'Legacy list by query parameters (user_id, agent_id, app_id, run_id, metadata...)' })
  async listV1(@Auth() auth: AuthContext, @Query() query: QueryParams, @Req() request: FastifyRequest) {
    const limit = query.limit === undefined || query.limit === '' ? LIST_PAGE.pageSize : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1) {
      throw AppError.error(ErrorCode.BadRequest, 'limit must be a positive integer');
    }
    if (limit > MAX_LIMIT) {
      throw AppError.error(ErrorCode.BadRequest, `limit must be <= ${MAX_LIMIT}`);
    }
    const paginated = query.page !== undefined && query.page_size !== undefined;
    const { fields, ...scope } = v1ListScope(query);
    const page = paginated ? parsePage(query, LIST_PAGE) : { page: 1, pageSize: limit };
    const items = await this.page(auth, scope, page);
    const results = items.rows.map((row) => project(mapMemory(row), fields));
    // The legacy client follows `next` and expects the v1.1 item shape there.
    return paginated ? envelope(request, page, items.count, results, { output_format: 'v1.1' }) : results;
  }

  @Get('v1/memories/:entityType/:entityId')
  @RecordsRetrieval('GET_ALL')
  @OnInvalid('error')
  @ApiOperation({ summary: "One entity's memories, 100 per page, with the input each came from" })
  async listEntity(
    @Auth() auth: AuthContext,
    @Param('entityType') entityType: string,
    @Param('entityId') entityId: string,
    @Query() query: QueryParams,
    @Req() request: FastifyRequest,
  ) {
    if (!ENTITY_TYPES.includes(entityType as EntityType)) {
      throw AppError.error(ErrorCode.BadRequest, 'Invalid entity type');
    }
    const page = { page: parsePage(query, LIST_PAGE).page, pageSize: LIST_PAGE.pageSize };
    const filter = legacyFilter({ [`${entityType}_id`]: entityId })!;
    const items = await this.page(auth, { filter }, page);
    const rows = await this.retrieval.withInputs(auth.projectId, items.rows);
    const results = rows.map(({ row, input }) => ({
      id: row.id,
      memory: row.memory,
      metadata: row.metadata,
      categories: row.categories?.length ? row.categories : null,
      created_at: formatTimestamp(row.createdAt),
      updated_at: formatTimestamp(row.updatedAt),
      expiration_date: formatDate(row.expirationDate),
      input,
      is_updated: row.updatedAt.getTime() > row.createdAt.getTime(),
    }));
    return envelope(request, page, items.count, results);
  }

  private page(auth: AuthContext, scope: RetrievalScope, page: PageRequest) {
    return listPage(this.retrieval, auth.projectId, scope, page);
  }

  /** Clients of April 2026 posted adds here: same rules as the v3 add route. */
  private async addAlias(auth: AuthContext, request: FastifyRequest) {
    if (auth.role !== Role.OWNER) {
      throw AppError.detail(ErrorCode.Forbidden, PERMISSION_DENIED);
    }
    refuseOverLimits(request.body, this.config.addLimits);
    const dto = (await new RequestValidationPipe().transform(request.body, {
      type: 'body',
      metatype: AddMemoriesDto,
    })) as AddMemoriesDto;
    return v3AddResponse(await this.adds.add(auth.projectId, dto, 'v3', dto.async_mode === false));
  }
}
