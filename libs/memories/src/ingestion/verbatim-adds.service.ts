import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import { ChatMessage, Embedder, EMBEDDER } from '@app/ai';
import { Memory } from '@app/core';
import { JobName, QueueService } from '@app/queue';
import { ProjectsService } from '@app/tenancy';
import { embeddingText } from '../annotation/entities';
import { memoryHash } from '../memory/memory.mapper';
import { AddRequest, AddResultItem } from '../memory/memory.types';
import { EventsRepository } from '../events/events.repository';
import { MemoriesRepository } from '../memory/memories.repository';
import { MemoryInsertsRepository } from './memory-inserts.repository';
import { NewMemory } from '../memory/memory-rows';
import { AddGroupsRepository, FinishedEvent, scopedHashKey } from './add-groups.repository';
import { resultItem, toNewMemory } from './add-rows';
import { CategorizationService } from './categorization.service';
import { ProfilesService } from '../profiles/profiles.service';
import { Coalescer } from '../memory/coalescer';
import { VectorIndexService } from '../maintenance/vector-index.service';

/** Messages of a verbatim add written at a time (other requests are served between its batches). */
const VERBATIM_BATCH = 50;
/** Memories one shared transaction writes at most. */
const GROUP_ITEMS = 500;
/** Groups of a project in flight at once: one is embedded and categorised while another is written. */
const GROUP_LANES = 2;
/** Verbatim adds come in streams: their indexing waits this long, so that the next adds share its run. */
const INDEX_DELAY_MS = 200;

/** One batch of an add, waiting for its project's next transaction. */
interface Pending {
  eventId: string;
  request: AddRequest;
  messages: ChatMessage[];
  /** The first message's place among the add's (memory ids derive from it). */
  offset: number;
  /** Set on an add's last batch: its event is recorded SUCCEEDED in the same transaction. */
  event: Omit<FinishedEvent, 'results'> | null;
  /** What the add's earlier batches stored (its event's results list them too). */
  before: Memory[];
}

/**
 * infer=false: each distinct non-system message stored as is, synchronously, a batch at a time. The
 * batches waiting for a project are written together, in one transaction under their scopes' locks
 * (duplicate check, inserts, the adds' events), so concurrent adds share round trips; a group that fails
 * is retried one batch at a time. Two groups may be in flight: their scopes' locks (taken in one order)
 * and the duplicate check under them keep a text from being stored twice. The new vectors wait beside
 * the HNSW index for the worker (searches rank them exactly meanwhile): the graph inserts would otherwise
 * take most of the transaction, with its scopes locked and the clients waiting.
 */
@Injectable()
export class VerbatimAddsService {
  private readonly pending = new Coalescer<Pending, Memory[]>(
    (projectId, group) => this.commit(projectId, group),
    GROUP_ITEMS,
    (batch) => batch.messages.length,
    GROUP_LANES,
  );

  constructor(
    private readonly events: EventsRepository,
    private readonly memories: MemoriesRepository,
    private readonly inserts: MemoryInsertsRepository,
    private readonly groups: AddGroupsRepository,
    private readonly queue: QueueService,
    private readonly projects: ProjectsService,
    private readonly profiles: ProfilesService,
    private readonly categorization: CategorizationService,
    private readonly vectorIndex: VectorIndexService,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
  ) {}

  async store(projectId: string, request: AddRequest): Promise<{ eventId: string; results: AddResultItem[] }> {
    const sources = new Map<string, ChatMessage>();
    for (const message of request.messages) {
      if (message.role !== 'system' && message.content.trim() && !sources.has(message.content)) {
        sources.set(message.content, message);
      }
    }
    const messages = [...sources.values()];
    const batches: ChatMessage[][] = [];
    for (let start = 0; start < messages.length || batches.length === 0; start += VERBATIM_BATCH) {
      batches.push(messages.slice(start, start + VERBATIM_BATCH));
    }
    // An add of one batch records its event with it; a longer one shows RUNNING until its last batch.
    const running = batches.length > 1 ? await this.events.create(projectId, 'ADD', request, 'RUNNING') : null;
    const eventId = running?.id ?? randomUUID();
    const createdAt = running?.createdAt ?? new Date();
    const rows: Memory[] = [];
    for (const [index, batch] of batches.entries()) {
      if (index > 0) {
        await nextTurn();
      }
      const last = index === batches.length - 1;
      const event = last ? { id: eventId, createdAt, payload: running ? undefined : request } : null;
      const offset = index * VERBATIM_BATCH;
      rows.push(
        ...(await this.pending.submit(projectId, {
          eventId,
          request,
          messages: batch,
          offset,
          event,
          before: [...rows],
        })),
      );
    }
    if (rows.length > 0 && !this.categorization.inline(request.pipeline)) {
      await this.queue.add(
        { name: JobName.CategorizeMemories, data: { projectId, memoryIds: rows.map((row) => row.id), eventId } },
        { jobId: `categorize-${eventId}` },
      );
    }
    return { eventId, results: rows.map((row) => resultItem(row, 'ADD')) };
  }

  /**
   * Each batch's rows but those whose text its scope holds already (they need no embedding; the check is
   * repeated under the locks), all embedded in one call, and categorised when the categoriser runs in process.
   */
  private async prepare(projectId: string, group: Pending[]): Promise<NewMemory[][]> {
    const texts = group.map(({ request, messages }) =>
      messages.map((message) => ({ message, scope: request.scope, hash: memoryHash(message.content) })),
    );
    const known = await this.groups.stored(projectId, texts.flat());
    const fresh = texts.map((batch) =>
      batch.flatMap((text, index) => (known.has(scopedHashKey(text)) ? [] : [{ ...text, index }])),
    );
    const all = fresh.flat();
    const vectors = all.length
      ? await this.embedder.embed(all.map(({ message }) => embeddingText(message.content)))
      : [];
    const project = group.some(({ request }) => this.categorization.inline(request.pipeline))
      ? await this.projects.settings(projectId)
      : null;
    let next = 0;
    const rows: NewMemory[][] = [];
    for (const [position, batch] of fresh.entries()) {
      const { eventId, request, offset } = group[position];
      const categories =
        project && this.categorization.inline(request.pipeline)
          ? await this.categorization.categorise(
              batch.map(({ message }) => message.content),
              request.customCategories,
              project,
            )
          : [];
      rows.push(
        batch.map(({ message, hash, index }, place) => ({
          ...toNewMemory(eventId, offset + index, request, {
            text: message.content,
            hash,
            scope: request.scope,
            vector: vectors[next++],
          }),
          input: [message],
          categories: categories[place],
        })),
      );
    }
    return rows;
  }

  /**
   * One transaction for the group: its scopes locked, texts already stored (or earlier in the group) skipped.
   * Memories categorised in it are where a categorisation job would have checked profiles: so is the group.
   */
  private async commit(projectId: string, group: Pending[]): Promise<Memory[][]> {
    const items = (await this.prepare(projectId, group)).flat();
    const scopes = items.map((item) => item.scope);
    const stored = await this.memories.inScopes(projectId, scopes, async (tx) => {
      const seen = await this.groups.stored(projectId, items, tx);
      const kept = items.filter((item) => !seen.has(scopedHashKey(item)) && seen.add(scopedHashKey(item)));
      const context = { embedder: this.embedder.id, input: null };
      const inserted = await this.inserts.insertIn(tx, projectId, kept, context, { pendingVectors: true });
      const rows = group.map((batch) => inserted.filter((row) => row.sourceEventId === batch.eventId));
      const events = group.flatMap((batch, index) =>
        batch.event
          ? [{ ...batch.event, results: [...batch.before, ...rows[index]].map((row) => resultItem(row, 'ADD')) }]
          : [],
      );
      await this.groups.finish(tx, projectId, events);
      return rows;
    });
    if (stored.some((rows) => rows.length > 0)) {
      await this.vectorIndex.indexLater(projectId, INDEX_DELAY_MS);
    }
    const categorised = stored.flatMap((rows, index) =>
      this.categorization.inline(group[index].request.pipeline) ? rows : [],
    );
    if (categorised.length > 0) {
      await this.profiles.refreshAfterChange(
        projectId,
        categorised.map((row) => row.userId),
      );
    }
    return stored;
  }
}
