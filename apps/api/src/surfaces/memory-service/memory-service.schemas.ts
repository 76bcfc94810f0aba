import { MESSAGE_SCHEMA } from '../engine-add';

/**
 * Request schemas of the Memory Service, validated as its FastAPI server does (422 with
 * pydantic-style problems). Entity ids are non-empty (an empty `user_id` would widen a read to the
 * whole project) and at most 255 characters, the platform's own limit.
 */

const entityId = { type: 'string', minLength: 1, maxLength: 255 };
/** pydantic's `Optional[...] = None`: the field may be absent or null. */
const nullable = (schema: { type: string }) => ({ ...schema, type: [schema.type, 'null'] });
const optionalId = nullable(entityId);
const topK = { type: 'integer', minimum: 1, default: 5 };
const minScore = { type: 'number', minimum: 0, maximum: 1, default: 0 };

/** How many days of short-term memory a combined search may reach back (ten years). */
export const MAX_RECENT_DAYS = 3650;
/** The most memories `GET /memory/list` answers with. */
export const MAX_LIST = 1000;

export interface ServiceMessage {
  role: string;
  content: string;
}

export interface AddBody {
  user_id: string;
  agent_id?: string | null;
  run_id?: string | null;
  text?: string | null;
  messages?: ServiceMessage[] | null;
  metadata?: Record<string, unknown> | null;
  infer: boolean;
  custom_extraction_prompt?: string | null;
}

export const ADD_SCHEMA = {
  type: 'object',
  required: ['user_id'],
  properties: {
    user_id: entityId,
    agent_id: optionalId,
    run_id: optionalId,
    text: nullable({ type: 'string' }),
    messages: {
      type: ['array', 'null'],
      items: MESSAGE_SCHEMA,
    },
    metadata: nullable({ type: 'object' }),
    infer: { type: 'boolean', default: true },
    custom_extraction_prompt: nullable({ type: 'string' }),
  },
};

export interface SearchBody {
  query: string;
  user_id: string;
  agent_id?: string | null;
  run_id?: string | null;
  top_k: number;
  min_score: number;
}

export const SEARCH_SCHEMA = {
  type: 'object',
  required: ['query', 'user_id'],
  properties: {
    query: { type: 'string' },
    user_id: entityId,
    agent_id: optionalId,
    run_id: optionalId,
    top_k: topK,
    min_score: minScore,
  },
};

export interface CombinedSearchBody {
  query: string;
  user_id: string;
  agent_id?: string | null;
  top_k: number;
  recent_days: number;
  min_score: number;
}

export const COMBINED_SEARCH_SCHEMA = {
  type: 'object',
  required: ['query', 'user_id'],
  properties: {
    query: { type: 'string' },
    user_id: entityId,
    agent_id: optionalId,
    top_k: topK,
    recent_days: { type: 'integer', minimum: 1, maximum: MAX_RECENT_DAYS, default: 3 },
    min_score: minScore,
  },
};

export interface ListQuery {
  user_id: string;
  agent_id?: string | null;
  run_id?: string | null;
  limit: number;
}

export const LIST_SCHEMA = {
  type: 'object',
  required: ['user_id'],
  properties: {
    user_id: entityId,
    agent_id: optionalId,
    run_id: optionalId,
    limit: { type: 'integer', minimum: 1, maximum: MAX_LIST, default: MAX_LIST },
  },
};

export interface UpdateBody {
  memory_id: string;
  text: string;
  metadata?: Record<string, unknown> | null;
}

export const UPDATE_SCHEMA = {
  type: 'object',
  required: ['memory_id', 'text'],
  properties: {
    memory_id: { type: 'string' },
    text: { type: 'string', minLength: 1 },
    metadata: nullable({ type: 'object' }),
  },
};
