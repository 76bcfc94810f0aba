import { Inject, Injectable, Logger } from '@nestjs/common';
import { compileJsonSchema, InvalidSchemaError, JsonSchema, LLM_PROVIDER, LlmProvider } from '@app/ai';
import { AppError, ErrorCode, isUuid, unavailableDependency } from '@app/core';
import { isEntityScoped, parseFilter } from '@app/filters';
import { JobData, JobName, JobRun, JobStatus, QueueService } from '@app/queue';
import {
  EXPORT_GET_SCOPE_REQUIRED,
  EXPORT_SCOPE_REQUIRED,
  entityKey,
  mergedExportFilters,
  objectOrJson,
} from './export-filters';
import { ExportRow, ExportsRepository } from './exports.repository';
import { RetrievalRepository } from '../retrieval/retrieval.repository';
import { failUnqueued } from '../events/events.service';

/** Memories one export reads (newest first): what fits a prompt, and what a profile document needs. */
export const EXPORT_MAX_MEMORIES = 200;
/** Exports compared when one is looked up by filters; older ones are only found by id. */
const LOOKUP_WINDOW = 500;
/** Schemas are untrusted input compiled into validators: keep them to a sane size. */
const MAX_SCHEMA_BYTES = 64 * 1024;

export const EXPORT_CREATED = 'Memory export request received. The export will be ready in a few seconds.';
export const EXPORT_PENDING = 'Memory export is still being processed.';
const SCHEMA_REQUIRED = 'Schema is required and must be a valid object';
const NOT_FOUND = 'No memory export request found';

/** What the read route answers: the exported object (200), a status while running (202), or the failure (200). */
export type ExportReading =
  | { status: 200; body: Record<string, unknown> }
  | { status: 202; body: { id: string; status: string; message: string } };

/** Schema-shaped exports: an LLM fills the caller's JSON Schema from the matching memories. */
@Injectable()
export class ExportsService {
  private readonly logger = new Logger(ExportsService.name);

  constructor(
    private readonly exports: ExportsRepository,
    private readonly retrieval: RetrievalRepository,
    private readonly queue: QueueService,
    @Inject(LLM_PROVIDER) private readonly llm: LlmProvider,
  ) {}

  async create(projectId: string, body: Record<string, unknown>): Promise<{ message: string; id: string }> {
    const schema = objectOrJson(body.schema);
    const declared = schema?.type;
    const objectRooted =
      declared === undefined || declared === 'object' || (Array.isArray(declared) && declared.includes('object'));
    if (
      !schema ||
      Object.keys(schema).length === 0 ||
      !objectRooted ||
      JSON.stringify(schema).length > MAX_SCHEMA_BYTES
    ) {
      throw AppError.message(ErrorCode.BadRequest, SCHEMA_REQUIRED);
    }
    try {
      compileJsonSchema(schema);
    } catch (error) {
      if (error instanceof InvalidSchemaError) {
        throw AppError.message(ErrorCode.BadRequest, `${SCHEMA_REQUIRED}: ${error.message}`);
      }
      throw error;
    }
    const filters = mergedExportFilters(body);
    if (!filters || !isEntityScoped(parseFilter(filters))) {
      throw AppError.error(ErrorCode.BadRequest, EXPORT_SCOPE_REQUIRED);
    }
    const instructions = typeof body.export_instructions === 'string' ? body.export_instructions.trim() || null : null;
    const row = await this.exports.create(projectId, schema, filters, instructions);
    await this.queue
      .add({ name: JobName.BuildExport, data: { projectId, exportId: row.id } }, { jobId: row.id })
      .catch(failUnqueued((error) => this.exports.finish(projectId, row.id, { status: 'FAILED', error })));
    return { message: EXPORT_CREATED, id: row.id };
  }

  /** By `memory_export_id`, else the newest export whose filters name the same entity ids. */
  async read(projectId: string, body: Record<string, unknown>): Promise<ExportReading> {
    const id = body.memory_export_id;
    const row =
      id !== undefined && id !== null && id !== ''
        ? await this.byId(projectId, id)
        : await this.byFilters(projectId, body);
    if (!row) {
      throw AppError.error(ErrorCode.NotFound, NOT_FOUND);
    }
    switch (row.status) {
      case 'SUCCEEDED':
        return { status: 200, body: row.result as Record<string, unknown> };
      case 'FAILED':
        return { status: 200, body: { id: row.id, status: 'FAILED', error: row.error ?? 'Export failed' } };
      default:
        return { status: 202, body: { id: row.id, status: row.status, message: EXPORT_PENDING } };
    }
  }

  /**
   * The job: newest matching memories -> LLM -> validation. A result that does not validate fails the
   * export at once (the provider has already re-asked); other errors are retried, and fail it on the last attempt.
   */
  async handleBuild({ projectId, exportId }: JobData<JobName.BuildExport>, run: JobRun): Promise<JobStatus> {
    const row = await this.exports.find(projectId, exportId);
    if (!row || !(await this.exports.markRunning(projectId, exportId))) {
      return JobStatus.Skipped;
    }
    try {
      const filter = parseFilter(row.filters);
      const { rows } = await this.retrieval.page(projectId, { filter }, 0, EXPORT_MAX_MEMORIES);
      const schema = row.schema as JsonSchema;
      const result = await this.llm.fillSchema({
        schema,
        memories: rows.map((memory) => memory.memory),
        instructions: row.instructions,
      });
      const problem = compileJsonSchema(schema)(result);
      await this.exports.finish(
        projectId,
        exportId,
        problem
          ? { status: 'FAILED', error: `The export does not match the schema: ${problem}` }
          : { status: 'SUCCEEDED', result },
      );
      return JobStatus.Success;
    } catch (error) {
      this.logger.warn({ exportId, attempt: run.attempt, err: error }, 'export attempt failed');
      // After an outage outlasted every retry the export stays open: the job sweeper queues it again.
      if (run.finalAttempt && !unavailableDependency(error)) {
        const message = error instanceof Error ? error.message : String(error);
        await this.exports.finish(projectId, exportId, { status: 'FAILED', error: message });
      }
      throw error;
    }
  }

  private byId(projectId: string, id: unknown): Promise<ExportRow | null> | null {
    return isUuid(id) ? this.exports.find(projectId, id.toLowerCase()) : null;
  }

  private async byFilters(projectId: string, body: Record<string, unknown>): Promise<ExportRow | null> {
    const filters = mergedExportFilters(body);
    const wanted = filters ? parseFilter(filters) : null;
    if (!wanted || !isEntityScoped(wanted)) {
      throw AppError.message(ErrorCode.BadRequest, EXPORT_GET_SCOPE_REQUIRED);
    }
    const key = entityKey(wanted);
    for (const candidate of await this.exports.recent(projectId, LOOKUP_WINDOW)) {
      if (entityKey(parseFilter(candidate.filters)) === key) {
        return this.exports.find(projectId, candidate.id);
      }
    }
    return null;
  }
}
