import { Injectable } from '@nestjs/common';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ClassConstructor } from 'class-transformer';
import { FastifyRequest } from 'fastify';
import { AuthContext } from '@app/auth';
import { AppConfig, AppError, ErrorCode, PERMISSION_DENIED, Role } from '@app/core';
import {
  AddMemoriesDto,
  AddMemoriesService,
  DeletionService,
  ENTITY_TYPES,
  EntitiesService,
  EventsService,
  ListMemoriesDto,
  MemoriesService,
  RetrievalEvent,
  RetrievalEventsService,
  RetrievalService,
  SearchMemoriesDto,
  UpdateMemoryDto,
} from '@app/memories';
import { refuseOverLimits } from '../memories/add-limits.interceptor';
import { ValidationShape } from '../http/decorators';
import { ExceptionsFilter } from '../http/exception.filter';
import { LinkBase, parsePage } from '../http/pagination';
import { resultCount } from '../memories/retrieval-events.interceptor';
import { RequestValidationPipe, shapedError } from '../http/validation';
import { v3AddResponse } from '../memories/add-memories.controller';
import { listEntities } from '../memories/entities.controller';
import { listEvents } from '../memories/events.controller';
import { LIST_PAGE, v3List } from '../memories/list-memories.controller';
import { deleteMemories } from '../memories/memories.controller';
import { v3Search } from '../memories/search-memories.controller';
import { DEFAULT_USER_ID, ToolArgs, ToolName, TOOLS } from './mcp-tool-args';

/** One MCP request: the key's tenant, and the HTTP request the pagination links are built from. */
export interface McpCall {
  auth: AuthContext;
  request: FastifyRequest;
}

type Handlers = { [T in ToolName]: (args: ToolArgs<T>) => Promise<unknown> };

/** Each tool fails in the shape of the REST route it answers as. */
const SHAPES: Record<ToolName, ValidationShape> = {
  add_memory: 'add',
  search_memories: 'error',
  get_memories: 'error',
  get_memory: 'error',
  update_memory: 'error',
  delete_memory: 'error',
  delete_all_memories: 'error',
  delete_entities: 'message',
  list_entities: 'message',
  list_events: 'fields',
  get_event_status: 'fields',
};

const OWNERS = ['user_id', 'agent_id', 'run_id'] as const;
type Owners = Partial<Record<(typeof OWNERS)[number], string>>;

/** The scope as given, or the default user's when it names no user, agent or run. */
function withDefaultUser<T extends Owners>(scope: T): T {
  return OWNERS.some((key) => scope[key]) ? scope : { ...scope, user_id: DEFAULT_USER_ID };
}

/** The filters as given, ANDed with the default user when they name no user, agent or run. */
function withDefaultUserFilter(filters: Record<string, unknown> | undefined): Record<string, unknown> {
  const clause = { user_id: DEFAULT_USER_ID };
  if (!filters || Object.keys(filters).length === 0) {
    return { AND: [clause] };
  }
  return /"(user_id|agent_id|run_id)"/.test(JSON.stringify(filters)) ? filters : { AND: [filters, clause] };
}

const defined = (body: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));

const text = (value: unknown): CallToolResult => ({ content: [{ type: 'text', text: JSON.stringify(value) }] });

/**
 * The hosted Mem0 MCP server's tools, each answering what its REST route answers, through the same
 * services and request rules (DTO validation, add limits, filter language, pagination).
 */
@Injectable()
export class McpTools {
  private readonly errors = new ExceptionsFilter();
  private readonly pipe = new RequestValidationPipe();

  constructor(
    private readonly adds: AddMemoriesService,
    private readonly retrieval: RetrievalService,
    private readonly memories: MemoriesService,
    private readonly deletion: DeletionService,
    private readonly entities: EntitiesService,
    private readonly events: EventsService,
    private readonly activity: RetrievalEventsService,
    private readonly config: AppConfig,
  ) {}

  /** A server with every tool, working in the project of the call's key. */
  server(call: McpCall): McpServer {
    const server = new McpServer({ name: 'mem0', version: '1.0.0' });
    const handlers = this.handlers(call);
    for (const name of Object.keys(TOOLS) as ToolName[]) {
      const { description, inputSchema, annotations } = TOOLS[name];
      const handler = handlers[name] as (args: unknown) => Promise<unknown>;
      server.registerTool(name, { description, inputSchema, annotations }, (args: unknown) =>
        this.run(call, name, () => handler(args)),
      );
    }
    return server;
  }

  private handlers({ auth: { projectId }, request }: McpCall): Handlers {
    const links = (url: string): LinkBase => ({ url, protocol: request.protocol, host: request.host });
    return {
      add_memory: async (args) => {
        const body = withDefaultUser({ ...args, messages: args.messages ?? [{ role: 'user', content: args.text }] });
        refuseOverLimits(body, this.config.addLimits);
        const dto = await this.validate(AddMemoriesDto, body);
        return v3AddResponse(await this.adds.add(projectId, dto, 'v3', false));
      },
      search_memories: async ({ limit, top_k, filters, ...options }) => {
        const body = defined({ ...options, filters: withDefaultUserFilter(filters), top_k: top_k ?? limit });
        const dto = await this.validate(SearchMemoriesDto, body);
        return this.recorded(projectId, 'SEARCH', body, () => v3Search(this.retrieval, projectId, dto));
      },
      get_memories: async ({ page, page_size, filters, ...options }) => {
        const body = { ...options, filters: withDefaultUserFilter(filters) };
        const dto = await this.validate(ListMemoriesDto, body);
        const paging = parsePage({ page, page_size }, LIST_PAGE);
        const list = () => v3List(this.retrieval, projectId, dto, paging, links('/v3/memories/'));
        return this.recorded(projectId, 'GET_ALL', defined({ ...body, page, page_size }), list);
      },
      get_memory: ({ memory_id }) => this.memories.get(projectId, memory_id),
      update_memory: async ({ memory_id, ...change }) =>
        this.memories.update(projectId, memory_id, await this.validate(UpdateMemoryDto, change)),
      delete_memory: ({ memory_id }) => this.memories.delete(projectId, memory_id, false),
      delete_all_memories: (scope) => deleteMemories(this.deletion, projectId, withDefaultUser(scope)),
      delete_entities: async (scope) => {
        const named = ENTITY_TYPES.filter((type) => scope[`${type}_id`]);
        if (named.length === 0) {
          throw AppError.message(ErrorCode.BadRequest, 'Provide user_id, agent_id, app_id or run_id to delete.');
        }
        const answers = [];
        for (const type of named) {
          answers.push(await this.entities.delete(projectId, type, scope[`${type}_id`]!, false));
        }
        return answers.length === 1 ? answers[0] : answers;
      },
      list_entities: (query) => listEntities(this.entities, projectId, query, links('/v1/entities/')),
      list_events: (query) => listEvents(this.events, projectId, query, links('/v1/events/')),
      get_event_status: ({ event_id }) => this.events.get(projectId, event_id),
    };
  }

  /** The tool's answer as JSON text; a READER key on a write, or any failure, as the REST error it stands for. */
  private async run(call: McpCall, name: ToolName, handler: () => Promise<unknown>): Promise<CallToolResult> {
    try {
      if (TOOLS[name].annotations.readOnlyHint === false && call.auth.role !== Role.OWNER) {
        throw AppError.detail(ErrorCode.Forbidden, PERMISSION_DENIED);
      }
      return text(await handler());
    } catch (error) {
      const { status, body } = this.errors.render(shapedError(error, SHAPES[name]), call.request);
      return { ...text({ status, error: body }), isError: true };
    }
  }

  private validate<T extends object>(metatype: ClassConstructor<T>, body: object): Promise<T> {
    return this.pipe.transform(body, { type: 'body', metatype }) as Promise<T>;
  }

  /** Searches and lists are SEARCH / GET_ALL events, as on the REST routes. */
  private async recorded<T>(
    projectId: string,
    eventType: RetrievalEvent['eventType'],
    payload: Record<string, unknown>,
    run: () => Promise<T>,
  ): Promise<T> {
    const startedAt = new Date();
    const answer = await run();
    this.activity.record({
      projectId,
      eventType,
      payload,
      resultCount: resultCount(answer),
      startedAt,
      completedAt: new Date(),
    });
    return answer;
  }
}
