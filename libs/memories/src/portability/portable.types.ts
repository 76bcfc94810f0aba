/**
 * The lossless export file (`npm run admin -- export`): JSON lines, snake_case like the API. Line 1 is
 * the header, then `entity` lines, one `memory` line per memory (with its history and vector), and one
 * `deleted` line per deleted memory whose history is kept. Timestamps keep Postgres' microseconds.
 */
export const EXPORT_FORMAT = 'mem0-export';
export const EXPORT_VERSION = 1;

export interface PortableHeader {
  format: typeof EXPORT_FORMAT;
  version: number;
  project_id: string;
  /** The embedder of the project's vectors (each memory line also names its own). */
  embedder: string | null;
  dimensions: number | null;
  exported_at: string;
  /** `memory` lines. */
  count: number;
  /** `deleted` lines: history of memories deleted before the export (whole-project exports only). */
  deleted_count: number;
  entity_count: number;
  filters: Record<string, unknown> | null;
}

export interface PortableHistory {
  id: string;
  event: string;
  old_memory: string | null;
  new_memory: string | null;
  input: unknown;
  user_id: string | null;
  agent_id: string | null;
  app_id: string | null;
  run_id: string | null;
  categories: string[] | null;
  metadata: unknown;
  created_at: string;
  updated_at: string;
}

export interface PortableMemoryColumns {
  id: string;
  memory: string;
  hash: string;
  user_id: string | null;
  agent_id: string | null;
  app_id: string | null;
  run_id: string | null;
  metadata: unknown;
  categories: string[] | null;
  immutable: boolean;
  expiration_date: string | null;
  lifecycle_state: string;
  replaced_by: string | null;
  synthesized: boolean;
  source_event_id: string | null;
  embedder: string | null;
  created_at: string;
  updated_at: string;
}

/** A memory as read for export: the vector in pgvector's text form, spliced into the line unparsed. */
export interface ExportedMemoryRow extends PortableMemoryColumns {
  embedding: string | null;
}

export interface PortableMemory extends PortableMemoryColumns {
  embedding: number[] | null;
  history: PortableHistory[];
}

export interface PortableEntity {
  type: string;
  name: string;
  metadata: unknown;
  explicit: boolean;
  created_at: string;
  updated_at: string;
}

/** A parsed line after the header, with its line number (for error messages). */
export type PortableLine =
  | { kind: 'entity'; line: number; entity: PortableEntity }
  | { kind: 'memory'; line: number; memory: PortableMemory }
  | { kind: 'deleted'; line: number; memoryId: string; history: PortableHistory[] };
