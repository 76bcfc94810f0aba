import { isUuid } from '@app/core';
import { memoryHash } from '../memory/memory.mapper';
import {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  ExportedMemoryRow,
  PortableEntity,
  PortableHeader,
  PortableHistory,
  PortableLine,
  PortableMemory,
} from './portable.types';

/** A line of an import file that cannot be imported; the message starts with `line N:`. */
export class PortableFormatError extends Error {
  override name = 'PortableFormatError';
}

type Json = Record<string, unknown>;

/** The vector goes last, as pgvector printed it (valid JSON numbers): no parse and re-print of 1536 floats. */
export function memoryLine({ embedding, ...columns }: ExportedMemoryRow, history: PortableHistory[]): string {
  const head = JSON.stringify({ kind: 'memory', ...columns, history });
  return `${head.slice(0, -1)},"embedding":${embedding ?? 'null'}}`;
}

export const deletedLine = (memoryId: string, history: PortableHistory[]) =>
  JSON.stringify({ kind: 'deleted', id: memoryId, history });

export const entityLine = (entity: PortableEntity) => JSON.stringify({ kind: 'entity', ...entity });

export function parseHeader(text: string): PortableHeader {
  const value = parseJson(text, 1);
  if (value.format !== EXPORT_FORMAT) {
    throw new PortableFormatError(`line 1: not a ${EXPORT_FORMAT} file (the header's "format" is missing)`);
  }
  if (value.version !== EXPORT_VERSION) {
    throw new PortableFormatError(`line 1: unsupported version ${JSON.stringify(value.version)} (expected 1)`);
  }
  for (const key of ['count', 'deleted_count']) {
    if (value[key] !== undefined && !(Number.isInteger(value[key]) && (value[key] as number) >= 0)) {
      throw new PortableFormatError(`line 1: "${key}" must be a count`);
    }
  }
  return value as unknown as PortableHeader;
}

/** Validates one line after the header; fields our exporter always writes may be absent in hand-made files. */
export function parseLine(text: string, line: number): PortableLine {
  const value = parseJson(text, line);
  const read = new Reader(value, line);
  switch (value.kind) {
    case 'memory':
      return { kind: 'memory', line, memory: read.memory() };
    case 'deleted':
      return { kind: 'deleted', line, memoryId: read.uuid('id'), history: read.history() };
    case 'entity':
      return { kind: 'entity', line, entity: read.entity() };
    default:
      throw new PortableFormatError(`line ${line}: unknown "kind" ${JSON.stringify(value.kind)}`);
  }
}

function parseJson(text: string, line: number): Json {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PortableFormatError(`line ${line}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PortableFormatError(`line ${line}: not a JSON object`);
  }
  return value as Json;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Typed reads of one line's fields, each failure naming the line and the field. */
class Reader {
  constructor(
    private readonly value: Json,
    private readonly line: number,
    private readonly where = '',
  ) {}

  memory(): PortableMemory {
    const memory = this.string('memory');
    const embedding = this.value.embedding ?? null;
    if (embedding !== null && !(Array.isArray(embedding) && embedding.length > 0 && embedding.every(Number.isFinite))) {
      this.fail('embedding', 'must be a non-empty list of numbers or null');
    }
    return {
      id: this.uuid('id'),
      memory,
      hash: this.optionalString('hash') ?? memoryHash(memory),
      ...this.scope(),
      metadata: this.object('metadata'),
      categories: this.strings('categories'),
      immutable: this.boolean('immutable'),
      expiration_date: this.date('expiration_date'),
      lifecycle_state: this.optionalString('lifecycle_state') ?? 'active',
      replaced_by: this.optionalUuid('replaced_by'),
      synthesized: this.boolean('synthesized'),
      source_event_id: this.optionalUuid('source_event_id'),
      embedder: embedding ? this.string('embedder') : this.optionalString('embedder'),
      created_at: this.instant('created_at'),
      updated_at: this.instant('updated_at'),
      embedding: embedding as number[] | null,
      history: this.history(),
    };
  }

  history(): PortableHistory[] {
    const entries = this.value.history ?? [];
    if (!Array.isArray(entries)) {
      this.fail('history', 'must be a list');
    }
    return (entries as unknown[]).map((entry, index) => {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
        this.fail(`history[${index}]`, 'must be an object');
      }
      const read = new Reader(entry as Json, this.line, `history[${index}].`);
      return {
        id: read.uuid('id'),
        event: read.string('event'),
        old_memory: read.optionalString('old_memory'),
        new_memory: read.optionalString('new_memory'),
        input: (entry as Json).input ?? null,
        ...read.scope(),
        categories: read.strings('categories'),
        metadata: read.object('metadata'),
        created_at: read.instant('created_at'),
        updated_at: read.instant('updated_at'),
      };
    });
  }

  entity(): PortableEntity {
    return {
      type: this.string('type'),
      name: this.string('name'),
      metadata: this.object('metadata'),
      explicit: this.boolean('explicit'),
      created_at: this.instant('created_at'),
      updated_at: this.instant('updated_at'),
    };
  }

  scope() {
    return {
      user_id: this.optionalString('user_id'),
      agent_id: this.optionalString('agent_id'),
      app_id: this.optionalString('app_id'),
      run_id: this.optionalString('run_id'),
    };
  }

  uuid(key: string): string {
    const value = this.value[key];
    return isUuid(value) ? value : this.fail(key, 'must be a UUID');
  }

  optionalUuid(key: string): string | null {
    return this.value[key] === undefined || this.value[key] === null ? null : this.uuid(key);
  }

  string(key: string): string {
    const value = this.value[key];
    // Postgres text cannot hold NUL.
    return typeof value === 'string' && !value.includes('\u0000') ? value : this.fail(key, 'must be a string');
  }

  optionalString(key: string): string | null {
    return this.value[key] === undefined || this.value[key] === null ? null : this.string(key);
  }

  strings(key: string): string[] | null {
    const value = this.value[key];
    if (value === undefined || value === null) return null;
    return Array.isArray(value) && value.every((item) => typeof item === 'string')
      ? value
      : this.fail(key, 'must be a list of strings or null');
  }

  object(key: string): Json | null {
    const value = this.value[key];
    if (value === undefined || value === null) return null;
    return typeof value === 'object' && !Array.isArray(value) ? (value as Json) : this.fail(key, 'must be an object');
  }

  boolean(key: string): boolean {
    const value = this.value[key] ?? false;
    return typeof value === 'boolean' ? value : this.fail(key, 'must be true or false');
  }

  date(key: string): string | null {
    const value = this.value[key];
    if (value === undefined || value === null) return null;
    return typeof value === 'string' && DATE.test(value) && !Number.isNaN(Date.parse(value))
      ? value
      : this.fail(key, 'must be a YYYY-MM-DD date or null');
  }

  /** ISO 8601 with an offset, kept as text so Postgres reads its microseconds. */
  instant(key: string): string {
    const value = this.value[key];
    return typeof value === 'string' && /T.*(?:Z|[+-]\d{2}:?\d{2})$/.test(value) && !Number.isNaN(Date.parse(value))
      ? value
      : this.fail(key, 'must be an ISO 8601 timestamp with a UTC offset');
  }

  private fail(key: string, problem: string): never {
    throw new PortableFormatError(`line ${this.line}: "${this.where}${key}" ${problem}`);
  }
}
