import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Readable, Writable } from 'node:stream';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { Embedder, EMBEDDER } from '@app/ai';
import { formatTimestamp, isUuid } from '@app/core';
import { FilterNode, parseFilter } from '@app/filters';
import { deletedLine, entityLine, memoryLine, parseHeader, parseLine } from './portable-lines';
import { EXPORT_FORMAT, EXPORT_VERSION, PortableHeader, PortableLine } from './portable.types';
import { PortabilityRepository } from './portability.repository';

/** Rows per keyset page on export and per transaction on import: bounded memory whatever the project's size. */
export const PORTABILITY_PAGE = 500;

export type Progress = (done: number, total: number) => void;

export interface ExportOptions {
  projectId: string;
  /** The v2 filter language; absent = the whole project, with deleted memories' history. */
  filters?: Record<string, unknown> | null;
  out: Writable;
  onProgress?: Progress;
  pageSize?: number;
}

export interface ImportOptions {
  projectId: string;
  input: Readable;
  onProgress?: Progress;
  batchSize?: number;
}

export interface ImportSummary {
  header: PortableHeader;
  /** Memories written, and memories skipped because this project already had them. */
  inserted: number;
  skipped: number;
  history: number;
  entities: number;
  warnings: string[];
}

/** Lossless export and import of a project's memories, history and entities (the admin CLI's `export` / `import`). */
@Injectable()
export class PortabilityService {
  constructor(
    private readonly portability: PortabilityRepository,
    @Optional() @Inject(EMBEDDER) private readonly embedder?: Embedder,
  ) {}

  async export(options: ExportOptions): Promise<PortableHeader> {
    const { projectId, out } = options;
    await this.requireProject(projectId);
    const filter: FilterNode | null = options.filters ? parseFilter(options.filters) : null;
    const whole = filter === null;
    const [count, deleted, vectors, entities] = await Promise.all([
      this.portability.countMemories(projectId, filter),
      whole ? this.portability.countDeleted(projectId) : 0,
      this.portability.embedderOf(projectId),
      whole ? this.portability.entities(projectId) : [],
    ]);
    const header: PortableHeader = {
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      project_id: projectId,
      ...vectors,
      exported_at: formatTimestamp(new Date()),
      count,
      deleted_count: deleted,
      entity_count: entities.length,
      filters: options.filters ?? null,
    };
    await write(out, [JSON.stringify(header), ...entities.map(entityLine)]);
    const pageSize = options.pageSize ?? PORTABILITY_PAGE;
    const total = count + deleted;
    let done = 0;
    for (let after: string | null = null; ;) {
      const rows = await this.portability.memoryPage(projectId, filter, after, pageSize);
      if (rows.length === 0) break;
      const history = await this.portability.historyOf(
        projectId,
        rows.map((row) => row.id),
      );
      await write(
        out,
        rows.map((row) => memoryLine(row, history.get(row.id) ?? [])),
      );
      after = rows[rows.length - 1].id;
      options.onProgress?.((done += rows.length), total);
    }
    for (let after: string | null = null; whole;) {
      const ids = await this.portability.deletedPage(projectId, after, pageSize);
      if (ids.length === 0) break;
      const history = await this.portability.historyOf(projectId, ids);
      await write(
        out,
        ids.map((id) => deletedLine(id, history.get(id) ?? [])),
      );
      after = ids[ids.length - 1];
      options.onProgress?.((done += ids.length), total);
    }
    return header;
  }

  /**
   * Reads the file line by line and writes a transaction per batch. A malformed line stops the import
   * before its batch is written (earlier batches stay); running it again skips what is already there.
   */
  async import(options: ImportOptions): Promise<ImportSummary> {
    const { projectId, input } = options;
    await this.requireProject(projectId);
    const batchSize = options.batchSize ?? PORTABILITY_PAGE;
    const reader = createInterface({ input, crlfDelay: Infinity });
    let summary: ImportSummary | null = null;
    let batch: PortableLine[] = [];
    let done = 0;
    const flush = async () => {
      const counts = await this.portability.importBatch(projectId, batch);
      const memories = batch.filter((line) => line.kind === 'memory').length;
      summary!.inserted += counts.memories;
      summary!.skipped += memories - counts.memories;
      summary!.history += counts.history;
      summary!.entities += counts.entities;
      done += batch.filter((line) => line.kind !== 'entity').length;
      batch = [];
      options.onProgress?.(done, summary!.header.count + summary!.header.deleted_count);
    };
    let number = 0;
    try {
      for await (const text of reader) {
        number += 1;
        if (number === 1) {
          const header = parseHeader(text);
          summary = { header, inserted: 0, skipped: 0, history: 0, entities: 0, warnings: this.warnings(header) };
        } else if (text.trim()) {
          batch.push(parseLine(text, number));
          if (batch.length >= batchSize) await flush();
        }
      }
    } finally {
      reader.close();
      input.destroy();
    }
    if (!summary) {
      throw new Error(`line 1: the file is empty (expected a ${EXPORT_FORMAT} header)`);
    }
    if (batch.length > 0) await flush();
    return summary;
  }

  private warnings(header: PortableHeader): string[] {
    if (!this.embedder || !header.embedder || header.embedder === this.embedder.id) {
      return [];
    }
    return [
      `the file's vectors come from ${header.embedder} but this server embeds with ${this.embedder.id}: ` +
        'search will not find the imported memories (lists and filters will)',
    ];
  }

  private async requireProject(projectId: string): Promise<void> {
    if (!isUuid(projectId) || !(await this.portability.projectExists(projectId))) {
      throw new Error(`No project with id ${projectId}`);
    }
  }
}

/** Writes lines, waiting when the stream's buffer is full (a slow disk or pipe must not fill the memory). */
async function write(out: Writable, lines: string[]): Promise<void> {
  if (lines.length > 0 && !out.write(`${lines.join('\n')}\n`)) {
    await once(out, 'drain');
  }
}
