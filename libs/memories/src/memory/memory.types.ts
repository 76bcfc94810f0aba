import { ChatMessage } from '@app/ai';
import type { MediaPart } from '../ingestion/content/content-parts';

export const ENTITY_TYPES = ['user', 'agent', 'app', 'run'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

/** The entity ids a memory belongs to; null/undefined = not set. */
export interface Scope {
  userId?: string | null;
  agentId?: string | null;
  appId?: string | null;
  runId?: string | null;
}

export const SCOPE_COLUMNS: Record<EntityType, keyof Scope> = {
  user: 'userId',
  agent: 'agentId',
  app: 'appId',
  run: 'runId',
};

export type EventType = 'ADD' | 'UPDATE' | 'DELETE' | 'DELETE_ALL' | 'DELETE_USER' | 'SEARCH' | 'GET_ALL' | 'GET';
export type EventStatus = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';

/** What an add call asked for, normalised and stored on its event; the worker runs it from there. */
export interface AddRequest {
  pipeline: 'v3' | 'v1';
  messages: ChatMessage[];
  scope: Scope;
  metadata: Record<string, unknown> | null;
  infer: boolean;
  immutable: boolean;
  expirationDate: string | null;
  /** Unix seconds: back-dates created_at/updated_at. */
  timestamp: number | null;
  customCategories: { name: string; description: string }[] | null;
  customInstructions: string | null;
  agentCustomInstructions: string | null;
  includes: string | null;
  excludes: string | null;
  customPrompt: string | null;
  /**
   * Every fact keeps every id the caller gave (the self-hosted servers' behaviour); otherwise facts
   * are attributed by speaker: user-stated to user_id, assistant-stated to agent_id.
   */
  wholeScope?: boolean;
  /** Images and documents of the messages, read into their text by the worker before extraction. */
  media?: MediaPart[];
  /** Filled from the add's messages; the value goes into each memory's `metadata.structured_data`. */
  structuredDataSchema?: Record<string, unknown> | null;
}

/** A result item of an add event. */
export interface AddResultItem {
  id: string;
  event: 'ADD' | 'UPDATE' | 'DELETE' | 'NOOP';
  memory: string;
  data: { memory: string };
  previous_memory?: string;
  user_id: string | null;
  agent_id: string | null;
  app_id: string | null;
  run_id: string | null;
  categories: string[] | null;
  metadata: Record<string, unknown> | null;
  created_at: string;
}

/** Which memories a delete-by-filter or entity delete removes (`*` = any non-null value). */
export interface DeleteSelector {
  scope: Scope;
  metadata?: Record<string, unknown> | null;
  entity?: { type: EntityType; name: string };
}
