import { Body, Controller, Delete, Get, Param, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyRequest } from 'fastify';
import { AuthContext } from '@app/auth';
import { AppError, ErrorCode } from '@app/core';
import { EntitiesService, EntityType, parseEntityType } from '@app/memories';
import { ApiToken, Auth, OnInvalid } from '../http/decorators';
import { envelope, LinkBase, parsePage } from '../http/pagination';

/** `GET /v1/entities/` by its query parameters (also the MCP tool's answer). */
export async function listEntities(
  entities: EntitiesService,
  projectId: string,
  query: Record<string, unknown>,
  links: LinkBase,
) {
  const page = parsePage(query, { pageSize: 100, maxPageSize: 1000 });
  const { count, results, ...totals } = await entities.list(projectId, page.page, page.pageSize);
  return { ...envelope(links, page, count, results), ...totals };
}

@ApiTags('entities')
@ApiToken()
@OnInvalid('message')
@Controller()
export class EntitiesController {
  constructor(private readonly entities: EntitiesService) {}

  @Get('v1/entities')
  @ApiOperation({ summary: 'Users, agents, apps and runs with their memory counts' })
  listEntities(@Auth() auth: AuthContext, @Query() query: Record<string, unknown>, @Req() request: FastifyRequest) {
    return listEntities(this.entities, auth.projectId, query, request);
  }

  @Post('v1/users')
  @ApiOperation({ summary: 'Create a user entity (an existing one is returned with its metadata merged)' })
  createUser(@Auth() auth: AuthContext, @Body() body: Record<string, unknown>) {
    return this.create(auth, 'user', body);
  }

  @Post('v1/agents')
  createAgent(@Auth() auth: AuthContext, @Body() body: Record<string, unknown>) {
    return this.create(auth, 'agent', body);
  }

  @Post('v1/apps')
  createApp(@Auth() auth: AuthContext, @Body() body: Record<string, unknown>) {
    return this.create(auth, 'app', body);
  }

  @Post('v1/runs')
  createRun(@Auth() auth: AuthContext, @Body() body: Record<string, unknown>) {
    return this.create(auth, 'run', body);
  }

  @Get('v2/entities/:entityType/:entityId')
  @ApiOperation({ summary: 'Read one entity: an array with it, or [] when unknown' })
  getEntity(@Auth() auth: AuthContext, @Param('entityType') entityType: string, @Param('entityId') entityId: string) {
    return this.entities.get(auth.projectId, parseEntityType(entityType), entityId);
  }

  @Get('v1/entities/:entityType/:entityId')
  getEntityLegacy(
    @Auth() auth: AuthContext,
    @Param('entityType') entityType: string,
    @Param('entityId') entityId: string,
  ) {
    return this.entities.get(auth.projectId, parseEntityType(entityType), entityId);
  }

  @Delete('v2/entities/:entityType/:entityId')
  @ApiOperation({ summary: 'Delete an entity and all its memories in the background' })
  deleteEntity(
    @Auth() auth: AuthContext,
    @Param('entityType') entityType: string,
    @Param('entityId') entityId: string,
  ) {
    return this.entities.delete(auth.projectId, parseEntityType(entityType), entityId, false);
  }

  @Delete('v1/entities/:entityType/:entityId')
  @ApiOperation({ summary: 'Deprecated: by the integer id of GET /v1/entities/ (a name also works)' })
  deleteEntityLegacy(
    @Auth() auth: AuthContext,
    @Param('entityType') entityType: string,
    @Param('entityId') entityId: string,
  ) {
    return this.entities.delete(auth.projectId, parseEntityType(entityType), entityId, true);
  }

  @Get('v1/stats')
  getStats(@Auth() auth: AuthContext) {
    return this.entities.stats(auth.projectId);
  }

  /** `body` is undefined without a body and null for a JSON `null`: both lack the name. */
  private create(auth: AuthContext, type: EntityType, body: Record<string, unknown> | null | undefined) {
    const name = body?.[`${type}_id`];
    if (typeof name !== 'string' || name.trim() === '') {
      throw AppError.fields(ErrorCode.BadRequest, { [`${type}_id`]: ['This field is required.'] });
    }
    const metadata = body?.metadata;
    if (metadata !== undefined && metadata !== null && (typeof metadata !== 'object' || Array.isArray(metadata))) {
      throw AppError.fields(ErrorCode.BadRequest, { metadata: ['Expected a dictionary of items.'] });
    }
    return this.entities.create(auth.projectId, type, name, (metadata ?? null) as Record<string, unknown> | null);
  }
}
