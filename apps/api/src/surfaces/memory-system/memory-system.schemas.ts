import { MESSAGE_SCHEMA } from '../engine-add';

/** Requests of the Mem0 Memory System, as JSON Schemas for `bodySchema`/`querySchema`. */

const id = { type: 'string', minLength: 1, maxLength: 255 };
const optionalId = { type: ['string', 'null'], minLength: 1, maxLength: 255 };
const metadata = { type: ['object', 'null'] };

export interface MessageBody {
  role: string;
  content: string;
}

export interface AddBody {
  messages: MessageBody[] | string;
  user_id: string;
  agent_id?: string | null;
  run_id?: string | null;
  metadata?: Record<string, unknown> | null;
  infer: boolean;
}

export const ADD_SCHEMA = {
  type: 'object',
  required: ['messages', 'user_id'],
  properties: {
    // A bare string is one user message.
    messages: {
      type: ['array', 'string'],
      minItems: 1,
      minLength: 1,
      items: MESSAGE_SCHEMA,
    },
    user_id: id,
    agent_id: optionalId,
    run_id: optionalId,
    metadata,
    infer: { type: 'boolean', default: true },
  },
};

export interface SearchQuery {
  query: string;
  user_id: string;
  limit: number;
}

export const SEARCH_SCHEMA = {
  type: 'object',
  required: ['query', 'user_id'],
  properties: {
    query: { type: 'string', minLength: 1 },
    user_id: id,
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 10 },
  },
};

export interface UpdateBody {
  content?: string;
  text?: string;
  metadata?: Record<string, unknown> | null;
}

export const UPDATE_SCHEMA = {
  type: 'object',
  properties: {
    content: { type: 'string', minLength: 1 },
    text: { type: 'string', minLength: 1 },
    metadata,
  },
};

export interface PageQuery {
  limit: number;
  offset: number;
}

export const PAGE_SCHEMA = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    offset: { type: 'integer', minimum: 0, default: 0 },
  },
};
