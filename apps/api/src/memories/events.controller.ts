import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyRequest } from 'fastify';
import { AuthContext } from '@app/auth';
import { AppError, ErrorCode } from '@app/core';
import { EventsService, RetrievalEventsService } from '@app/memories';
import { ApiToken, Auth } from '../http/decorators';
import { envelope, LinkBase, parsePage } from '../http/pagination';

function parseDay(raw: unknown, endOfDay: boolean): Date | undefined {
  if (raw === undefined || raw === '') {
    return undefined;
  }
  const text = String(raw);
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T${endOfDay ? '23:59:59.999' : '00:00:00'}Z` : text);
  if (Number.isNaN(date.getTime())) {
    throw AppError.error(ErrorCode.BadRequest, `Invalid date: ${text}`);
  }
  return date;
}

/** `GET /v1/events/` by its query parameters (also the MCP tool's answer). */
export async function listEvents(
  events: EventsService,
  projectId: string,
  query: Record<string, unknown>,
  links: LinkBase,
) {
  const page = parsePage(query, { pageSize: 50, maxPageSize: 100 });
  const filter = {
    eventType: typeof query.event_type === 'string' && query.event_type ? query.event_type.toUpperCase() : undefined,
    from: parseDay(query.start_date, false),
    to: parseDay(query.end_date, true),
  };
  const { count, results } = await events.list(projectId, filter, page.page, page.pageSize);
  return envelope(links, page, count, results);
}

@ApiTags('events')
@ApiToken()
@Controller()
export class EventsController {
  constructor(
    private readonly events: EventsService,
    private readonly activity: RetrievalEventsService,
  ) {}

  @Get('v1/event/:eventId')
  @ApiOperation({ summary: 'One async event: the poll target of adds and bulk deletes' })
  getEvent(@Auth() auth: AuthContext, @Param('eventId') eventId: string) {
    return this.events.get(auth.projectId, eventId);
  }

  @Get('v1/events/:eventId')
  getEventAlias(@Auth() auth: AuthContext, @Param('eventId') eventId: string) {
    return this.events.get(auth.projectId, eventId);
  }

  @Get('v1/events')
  @ApiOperation({ summary: 'Events of the project, newest first' })
  listEvents(@Auth() auth: AuthContext, @Query() query: Record<string, unknown>, @Req() request: FastifyRequest) {
    return listEvents(this.events, auth.projectId, query, request);
  }

  @Get('v1/memories/events')
  @ApiOperation({
    summary: 'Despite its name, the history entries of all memories of the project, newest first (page, limit)',
  })
  async memoryEvents(
    @Auth() auth: AuthContext,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
  ) {
    const page = parsePage(query, { pageSize: 100, maxPageSize: 1000 }, 'limit');
    const { count, results } = await this.activity.historyPage(auth.projectId, page.page, page.pageSize);
    return envelope(request, page, count, results);
  }
}
