import { z } from 'zod';

/**
 * The hosted Mem0 MCP server's tools: names, descriptions and argument shapes. A call that names no
 * user, agent or run works in DEFAULT_USER_ID's memories, as the mem0 MCP server does.
 */

export const DEFAULT_USER_ID = 'mem0-mcp';

const json = z.record(z.string(), z.unknown());
const entity = (what: string) => z.string().min(1).max(255).optional().describe(what);
const page = z.number().int().min(1).optional().describe('1-indexed page number when paginating.');
const pageSize = z.number().int().min(1).optional().describe('Number of items per page.');
const FILTERS_HELP = `Common filter patterns:
- Single user: {"AND": [{"user_id": "john"}]}
- Agent memories: {"AND": [{"agent_id": "agent_name"}]}
- Recent memories: {"AND": [{"user_id": "john"}, {"created_at": {"gte": "2024-01-01"}}]}
- Multiple users: {"AND": [{"user_id": {"in": ["john", "jane"]}}]}
- Cross-entity: {"OR": [{"user_id": "john"}, {"agent_id": "agent_name"}]}
Without any user_id, agent_id, app_id or run_id the default user (${DEFAULT_USER_ID}) is added.`;

const entities = {
  user_id: entity('User scope.'),
  agent_id: entity('Agent scope.'),
  app_id: entity('App scope.'),
  run_id: entity('Run scope.'),
};

export const TOOLS = {
  add_memory: {
    description:
      'Store a new preference, fact, or conversation snippet. Without user_id, agent_id or run_id it is stored ' +
      `for the default user (${DEFAULT_USER_ID}). Set infer to false to store the text verbatim.`,
    inputSchema: {
      text: z.string().describe('Plain sentence summarizing what to store. Required even if `messages` is provided.'),
      messages: z
        .array(z.object({ role: z.string(), content: z.string() }))
        .optional()
        .describe('Structured conversation history with `role`/`content`. Use when you have multiple turns.'),
      ...entities,
      metadata: json.optional().describe('Attach arbitrary metadata JSON to the memory.'),
      infer: z.boolean().optional().describe('false stores the text verbatim, without fact extraction.'),
      enable_graph: z.boolean().optional().describe('Accepted for compatibility; graph memory is not served.'),
    },
    annotations: { readOnlyHint: false, destructiveHint: false },
  },
  search_memories: {
    description: `Run a semantic search over existing memories. Use filters to narrow results.\n${FILTERS_HELP}`,
    inputSchema: {
      query: z.string().describe('Natural language description of what to find.'),
      filters: json.optional().describe('Filter clauses (the v3 filter language).'),
      limit: z.number().int().min(1).max(1000).optional().describe('Maximum number of results to return.'),
      top_k: z.number().int().min(1).max(1000).optional().describe('Alias of limit.'),
      threshold: z.number().min(0).max(1).optional().describe('Minimum score in [0, 1] (default 0.1).'),
      rerank: z.boolean().optional().describe('Rerank the results.'),
      enable_graph: z.boolean().optional().describe('Accepted for compatibility; graph memory is not served.'),
    },
    annotations: { readOnlyHint: true },
  },
  get_memories: {
    description: `Page through memories using filters instead of search, newest first.\n${FILTERS_HELP}`,
    inputSchema: {
      filters: json.optional().describe('Structured filters (the v3 filter language).'),
      page,
      page_size: pageSize,
      enable_graph: z.boolean().optional().describe('Accepted for compatibility; graph memory is not served.'),
    },
    annotations: { readOnlyHint: true },
  },
  get_memory: {
    description: 'Fetch a single memory once you know its memory_id.',
    inputSchema: { memory_id: z.string().describe('Exact memory_id to fetch.') },
    annotations: { readOnlyHint: true },
  },
  update_memory: {
    description: "Overwrite an existing memory's text and/or metadata after confirming its memory_id.",
    inputSchema: {
      memory_id: z.string().describe('Exact memory_id to overwrite.'),
      text: z.string().optional().describe('Replacement text for the memory.'),
      metadata: json.optional().describe('Replacement metadata for the memory.'),
    },
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
  },
  delete_memory: {
    description: 'Delete one memory after the user confirms its memory_id.',
    inputSchema: { memory_id: z.string().describe('Exact memory_id to delete.') },
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
  },
  delete_all_memories: {
    description:
      'Delete every memory in the given user/agent/app/run but keep the entity (in the background: poll ' +
      `get_event_status). Without any scope, the default user's (${DEFAULT_USER_ID}) memories; "*" matches all.`,
    inputSchema: entities,
    annotations: { readOnlyHint: false, destructiveHint: true },
  },
  delete_entities: {
    description: 'Remove a user/agent/app/run entity entirely and delete its memories in the background.',
    inputSchema: {
      user_id: entity('Delete this user and its memories.'),
      agent_id: entity('Delete this agent and its memories.'),
      app_id: entity('Delete this app and its memories.'),
      run_id: entity('Delete this run and its memories.'),
    },
    annotations: { readOnlyHint: false, destructiveHint: true },
  },
  list_entities: {
    description: 'List which users/agents/apps/runs currently hold memories, with their memory counts.',
    inputSchema: { page, page_size: pageSize },
    annotations: { readOnlyHint: true },
  },
  list_events: {
    description: 'List memory operation events (adds, deletes, searches), newest first, with filters and pagination.',
    inputSchema: {
      event_type: z.string().optional().describe('ADD, DELETE_ALL, DELETE_USER, SEARCH, GET_ALL, ...'),
      start_date: z.string().optional().describe('YYYY-MM-DD or an ISO 8601 date-time (inclusive).'),
      end_date: z.string().optional().describe('YYYY-MM-DD or an ISO 8601 date-time (inclusive).'),
      page,
      page_size: pageSize,
    },
    annotations: { readOnlyHint: true },
  },
  get_event_status: {
    description: 'Check the status of an async memory operation (an add or a delete) by the event_id it returned.',
    inputSchema: { event_id: z.string().describe('The event_id to check.') },
    annotations: { readOnlyHint: true },
  },
} as const;

export type ToolName = keyof typeof TOOLS;

type Shape<T extends ToolName> = (typeof TOOLS)[T]['inputSchema'];
export type ToolArgs<T extends ToolName> = z.infer<z.ZodObject<Shape<T>>>;
