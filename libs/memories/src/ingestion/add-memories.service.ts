import { Injectable } from '@nestjs/common';
import { emptyUsage, TokenUsage } from '@app/ai';
import { AppError, currentTraceCarrier, ErrorCode, TraceCarrier } from '@app/core';
import { ENTITY_FIELDS, EntityField } from '@app/filters';
import { JobName, QueueService } from '@app/queue';
import { AddMemoriesDto } from './add-memories.dto';
import { observedAt, refuseUnsupported } from './content/add-parameters';
import { ContentRefusal, readMessages } from './content/content-parts';
import { ContentService } from './content/content.service';
import { toCatalog } from './catalog';
import { AddRequest, AddResultItem, Scope } from '../memory/memory.types';
import { EventsRepository } from '../events/events.repository';
import { failUnqueued } from '../events/events.service';
import { IngestionService } from './ingestion.service';
import { VerbatimAddsService } from './verbatim-adds.service';
import { Coalescer } from '../memory/coalescer';

const INLINE_TIMEOUT_MS = 60_000;

export type AddOutcome =
  { kind: 'queued'; eventId: string } | { kind: 'done'; eventId: string; results: AddResultItem[]; usage: TokenUsage };

/** An add to queue, with the trace of the request that sent it. */
interface Accepted {
  request: AddRequest;
  carrier: TraceCarrier | undefined;
}

/** What a self-hosted surface adds to a platform add request. */
export type AddOptions = Partial<Pick<AddRequest, 'customPrompt' | 'wholeScope'>>;

/** The HTTP side of adding memories: validate, record the event, then queue it, run it inline, or store verbatim. */
@Injectable()
export class AddMemoriesService {
  /** Concurrent adds of a project are recorded and queued together. */
  private readonly accepted = new Coalescer<Accepted, { eventId: string } | { error: unknown }>((projectId, adds) =>
    this.accept(projectId, adds),
  );

  constructor(
    private readonly events: EventsRepository,
    private readonly ingestion: IngestionService,
    private readonly verbatim: VerbatimAddsService,
    private readonly queue: QueueService,
    private readonly contents: ContentService,
  ) {}

  async add(
    projectId: string,
    dto: AddMemoriesDto,
    pipeline: 'v3' | 'v1',
    inline: boolean,
    options: AddOptions = {},
  ): Promise<AddOutcome> {
    const request = await this.contents.prepare({ ...toAddRequest(dto, pipeline), ...options }).catch(refused);
    if (!request.infer) {
      return this.storeVerbatim(projectId, request);
    }
    if (!inline) {
      const accepted = await this.accepted.submit(projectId, { request, carrier: currentTraceCarrier() });
      if ('error' in accepted) {
        throw accepted.error;
      }
      return { kind: 'queued', eventId: accepted.eventId };
    }
    const event = await this.events.create(projectId, 'ADD', request);
    const run = this.ingestion.handleAdd({ projectId, eventId: event.id });
    const finished = await Promise.race([run.then(() => true), delay(INLINE_TIMEOUT_MS).then(() => false)]).catch(
      async (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        await this.events.finish(projectId, event.id, { status: 'FAILED', error: message });
        throw AppError.eventFailed(ErrorCode.Unavailable, `Memory processing failed: ${message}`, event.id);
      },
    );
    if (!finished) {
      return { kind: 'queued', eventId: event.id };
    }
    const done = await this.events.find(projectId, event.id);
    if (done?.status === 'FAILED') {
      // Only unreadable content ends an event without an error reaching here (ContentService).
      throw AppError.invalidAdd(ErrorCode.BadRequest, done.error ?? 'The add failed.');
    }
    const usage = (done?.metadata as { token_usage?: TokenUsage } | null)?.token_usage ?? emptyUsage();
    return { kind: 'done', eventId: event.id, results: (done?.results as unknown as AddResultItem[]) ?? [], usage };
  }

  /**
   * Records the adds' events in one statement and queues their jobs in one round trip. When the queue
   * refuses them, each event ends FAILED saying so and each caller gets the error (the group is not retried
   * item by item: that would record the adds twice).
   */
  private async accept(projectId: string, adds: Accepted[]): Promise<({ eventId: string } | { error: unknown })[]> {
    const ids = await this.events.createAll(
      projectId,
      'ADD',
      adds.map((add) => add.request),
    );
    const jobs = ids.map((eventId, index) => ({
      item: { name: JobName.AddMemories, data: { projectId, eventId } } as const,
      jobId: eventId,
      carrier: adds[index].carrier,
    }));
    try {
      await this.queue.addAll(jobs);
      return ids.map((eventId) => ({ eventId }));
    } catch (error) {
      await Promise.all(
        ids.map((id) =>
          failUnqueued((reason) => this.events.finish(projectId, id, { status: 'FAILED', error: reason }))(error).catch(
            () => undefined,
          ),
        ),
      );
      return ids.map(() => ({ error }));
    }
  }

  private async storeVerbatim(projectId: string, request: AddRequest): Promise<AddOutcome> {
    const { eventId, results } = await this.verbatim.store(projectId, request);
    return { kind: 'done', eventId, results, usage: emptyUsage() };
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Content and parameters the add cannot take answer in the add routes' shape. */
function refused(error: unknown): never {
  if (error instanceof ContentRefusal) {
    throw AppError.invalidAdd(error.tooLarge ? ErrorCode.PayloadTooLarge : ErrorCode.BadRequest, error.message);
  }
  throw error;
}

/** Normalises an add body into what the pipeline runs (and the event stores). */
export function toAddRequest(dto: AddMemoriesDto, pipeline: 'v3' | 'v1'): AddRequest {
  try {
    return readAddRequest(dto, pipeline);
  } catch (error) {
    return refused(error);
  }
}

function readAddRequest(dto: AddMemoriesDto, pipeline: 'v3' | 'v1'): AddRequest {
  const ids: Record<EntityField, string | null> = {
    user_id: null,
    agent_id: null,
    app_id: null,
    run_id: null,
  };
  for (const key of ENTITY_FIELDS) {
    const lifted = dto.filters?.[key];
    ids[key] = dto[key] ?? (typeof lifted === 'string' && lifted && lifted !== '*' ? lifted : null);
  }
  const scope: Scope = { userId: ids.user_id, agentId: ids.agent_id, appId: ids.app_id, runId: ids.run_id };
  if (!Object.values(scope).some(Boolean)) {
    throw AppError.invalidAdd(ErrorCode.BadRequest, 'At least one of user_id, agent_id, app_id or run_id is required.');
  }
  const infer = dto.infer ?? true;
  refuseUnsupported(dto);
  const { messages, media } = readMessages(dto.messages, infer);
  return {
    pipeline,
    messages,
    ...(media.length > 0 ? { media } : {}),
    ...(dto.structured_data_schema ? { structuredDataSchema: dto.structured_data_schema } : {}),
    scope,
    metadata: dto.metadata ?? null,
    infer,
    immutable: dto.immutable ?? false,
    expirationDate: dto.expiration_date ?? null,
    timestamp: dto.timestamp ?? observedAt(dto),
    customCategories: parseCategories(dto.custom_categories, pipeline),
    customInstructions: dto.custom_instructions ?? null,
    agentCustomInstructions: dto.agent_custom_instructions ?? null,
    includes: dto.includes ?? null,
    excludes: dto.excludes ?? null,
    customPrompt: null,
  };
}

function parseCategories(raw: unknown, pipeline: 'v3' | 'v1'): { name: string; description: string }[] | null {
  if (raw === undefined || raw === null) {
    return null;
  }
  const list = Array.isArray(raw) ? raw : pipeline === 'v1' && typeof raw === 'object' ? [raw] : null;
  if (!list || list.some((item) => typeof item !== 'object' || item === null || Array.isArray(item))) {
    const bad = list?.find((item) => typeof item !== 'object') ?? raw;
    const got = typeof bad === 'string' ? 'str' : typeof bad;
    throw AppError.invalidAdd(ErrorCode.BadRequest, `Expected a dictionary of items but got type "${got}".`);
  }
  return toCatalog(list);
}
