import { MESSAGE_SCHEMA } from '../engine-add';

/**
 * Requests of the mem0 OSS REST server (upstream `server/main.py`), as JSON Schemas for
 * `bodySchema`/`querySchema`: the pydantic models' fields, `Optional[...]` ones nullable.
 */

const text = { type: ['string', 'null'] };
// Entity ids are free text upstream; the bound keeps them indexable here.
const entityId = { type: ['string', 'null'], maxLength: 255 };
const queryId = { type: 'string', maxLength: 255 };
const object = { type: ['object', 'null'] };
const flag = { type: ['boolean', 'null'] };

export interface OssIds {
  user_id?: string | null;
  agent_id?: string | null;
  run_id?: string | null;
}

export interface AddBody extends OssIds {
  messages: { role: string; content: string }[];
  metadata?: Record<string, unknown> | null;
  expiration_date?: string | null;
  infer?: boolean | null;
  memory_type?: string | null;
  prompt?: string | null;
}

export const ADD_SCHEMA = {
  type: 'object',
  required: ['messages'],
  properties: {
    messages: {
      type: 'array',
      items: MESSAGE_SCHEMA,
    },
    user_id: entityId,
    agent_id: entityId,
    run_id: entityId,
    metadata: object,
    expiration_date: text,
    infer: flag,
    memory_type: text,
    prompt: text,
  },
};

export interface ListQuery extends OssIds {
  top_k?: number;
  show_expired: boolean;
}

export const LIST_SCHEMA = {
  type: 'object',
  properties: {
    user_id: queryId,
    agent_id: queryId,
    run_id: queryId,
    top_k: { type: 'integer', minimum: 0, maximum: 1000 },
    show_expired: { type: 'boolean', default: false },
  },
};

export const IDS_QUERY_SCHEMA = {
  type: 'object',
  properties: { user_id: queryId, agent_id: queryId, run_id: queryId },
};

export interface UpdateBody {
  text?: string | null;
  metadata?: Record<string, unknown> | null;
  expiration_date?: string | null;
}

export const UPDATE_SCHEMA = {
  type: 'object',
  properties: { text, metadata: object, expiration_date: text },
};

export interface SearchBody extends OssIds {
  query: string;
  filters?: Record<string, unknown> | null;
  top_k?: number | null;
  threshold?: number | null;
  explain?: boolean | null;
  show_expired?: boolean | null;
}

export const SEARCH_SCHEMA = {
  type: 'object',
  required: ['query'],
  properties: {
    query: { type: 'string' },
    user_id: entityId,
    agent_id: entityId,
    run_id: entityId,
    filters: object,
    top_k: { type: ['integer', 'null'] },
    threshold: { type: ['number', 'null'] },
    explain: flag,
    show_expired: flag,
  },
};

/** A component of the configuration (`llm`, `embedder`, ...): a provider name and its settings. */
const component = {
  type: 'object',
  properties: { provider: { type: 'string', minLength: 1 }, config: object },
};
// Optional in mem0 (the others are not): null removes them.
const optionalComponent = { ...component, type: ['object', 'null'] };

export type OssConfig = Record<string, unknown>;

/** The top-level keys mem0's `MemoryConfig` knows (older releases' prompt and graph keys included). */
export const CONFIGURE_SCHEMA = {
  type: 'object',
  properties: {
    version: { type: 'string' },
    llm: component,
    embedder: component,
    vector_store: component,
    graph_store: optionalComponent,
    reranker: optionalComponent,
    history_db_path: { type: 'string' },
    custom_instructions: text,
    custom_fact_extraction_prompt: text,
    custom_update_memory_prompt: text,
  },
  // mem0's MemoryConfig forbids unknown keys (pydantic's `extra_forbidden`).
  additionalProperties: false,
};

export interface InstructionsBody {
  use_case: string;
}

export const INSTRUCTIONS_SCHEMA = {
  type: 'object',
  required: ['use_case'],
  properties: { use_case: { type: 'string', minLength: 1 } },
};
