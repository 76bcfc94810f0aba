import { Inject, Injectable } from '@nestjs/common';
import { dot, Embedder, EMBEDDER, TokenUsage } from '@app/ai';
import { JobName, QueueService } from '@app/queue';
import { AddRequest, AddResultItem, Scope } from '../memory/memory.types';
import { EventsRepository } from '../events/events.repository';
import { MemoriesRepository } from '../memory/memories.repository';
import { Judgement, LifecycleService } from '../memory/lifecycle.service';
import { scopeKey } from '../memory/memory-rows';
import { ProfilesService } from '../profiles/profiles.service';
import { AddGroupsRepository, scopedHashKey } from './add-groups.repository';
import { inInsertOrder, PlannedFact, resultItem, toNewMemory } from './add-rows';
import { CategorizationService } from './categorization.service';
import { Coalescer } from '../memory/coalescer';
import { MemoryInsertsRepository } from './memory-inserts.repository';

/** Cosine similarity above which a new fact repeats a memory of the same scope (v3 drops it). */
const NEAR_DUPLICATE = 0.92;
/** Facts one shared transaction writes at most. */
const GROUP_FACTS = 500;

/** A v3 add extracted, embedded and judged, waiting for its project's next transaction. */
export interface PlannedAdd {
  eventId: string;
  request: AddRequest;
  planned: PlannedFact[];
  judgement: Judgement<PlannedFact>;
  /** Each fact's categories, when the categoriser runs in process. */
  categories: Map<PlannedFact, string[]>;
  usage: TokenUsage;
}

/** An add whose memories are written: what its event records and what follows it. */
export interface WrittenAdd {
  eventId: string;
  request: AddRequest;
  results: AddResultItem[];
  usage: TokenUsage;
}

/**
 * v3 adds are written in groups: the adds of a project waiting while its previous group commits share one
 * transaction under all their scopes' locks (re-run check, duplicate checks, inserts, what they retire) and
 * one statement finishing their events. Exact and near duplicates of the same scope, stored or earlier in the
 * group, are dropped, so a group stores what the same adds one after another would have.
 */
@Injectable()
export class AdditiveAddsService {
  private readonly waiting = new Coalescer<PlannedAdd, AddResultItem[]>(
    (projectId, adds) => this.commit(projectId, adds),
    GROUP_FACTS,
    (add) => add.planned.length,
  );

  constructor(
    private readonly memories: MemoriesRepository,
    private readonly inserts: MemoryInsertsRepository,
    private readonly groups: AddGroupsRepository,
    private readonly events: EventsRepository,
    private readonly lifecycle: LifecycleService,
    private readonly profiles: ProfilesService,
    private readonly categorization: CategorizationService,
    private readonly queue: QueueService,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
  ) {}

  /** Resolves once the add's memories are stored and its event SUCCEEDED. */
  add(projectId: string, add: PlannedAdd): Promise<AddResultItem[]> {
    return this.waiting.submit(projectId, add);
  }

  /**
   * After an add's memories are written: profiles that may fall due (when categorised in the write) or the
   * categorisation job, then the events SUCCEEDED, one statement for all.
   */
  async settle(projectId: string, adds: WrittenAdd[]): Promise<void> {
    const touched = adds.map((add) =>
      add.results.filter((item) => item.event === 'ADD' || item.event === 'UPDATE').map((item) => item.id),
    );
    const inline = adds.filter(
      (add, index) => touched[index].length > 0 && this.categorization.inline(add.request.pipeline),
    );
    if (inline.length > 0) {
      await this.profiles.refreshAfterChange(
        projectId,
        inline.flatMap((add) => add.results.map((item) => item.user_id)),
      );
    }
    for (const [index, { eventId, request }] of adds.entries()) {
      if (touched[index].length > 0 && !this.categorization.inline(request.pipeline)) {
        await this.queue.add(
          { name: JobName.CategorizeMemories, data: { projectId, memoryIds: touched[index], eventId } },
          { jobId: `categorize-${eventId}` },
        );
      }
    }
    await this.events.succeedAll(
      projectId,
      adds.map(({ eventId, results, usage }) => ({ id: eventId, results, metadata: { token_usage: usage } })),
    );
  }

  private async commit(projectId: string, adds: PlannedAdd[]): Promise<AddResultItem[][]> {
    const scopes = adds.flatMap((add) => add.planned.map((item) => item.scope));
    const results = await this.memories.inScopes(projectId, scopes, async (tx) => {
      const already = await this.memories.bySourceEvents(
        projectId,
        adds.map((add) => add.eventId),
        tx,
      );
      // An add a previous run committed reports what it stored instead of deduplicating against it.
      const done = new Set(already.map((row) => row.sourceEventId));
      const fresh = adds.filter((add) => !done.has(add.eventId));
      const planned = fresh.flatMap((add) => add.planned);
      const stored = await this.groups.stored(projectId, planned, tx);
      const nearest = await this.memories.similarByFact(projectId, this.embedder.id, planned, 1, tx);
      const closest = new Map(planned.map((item, index) => [item, nearest[index][0]]));
      const kept: PlannedFact[] = [];
      const written = fresh.map((add) => {
        const unique: PlannedFact[] = [];
        for (const item of add.planned) {
          const near = closest.get(item);
          const repeats =
            stored.has(scopedHashKey(item)) ||
            (near && near.similarity >= NEAR_DUPLICATE && samePolarity(near.memory, item.fact.text)) ||
            kept.some((other) => repeatsFact(other, item));
          if (!repeats) {
            unique.push(item);
            kept.push(item);
          }
        }
        const facts = this.lifecycle.withoutRedundant(add.judgement, unique);
        const news = facts.map((item, index) => ({
          ...toNewMemory(add.eventId, index, add.request, { ...item, text: item.fact.text }),
          input: add.request.messages,
          categories: add.categories.get(item),
        }));
        return { add, facts, news };
      });
      const context = { embedder: this.embedder.id, input: null };
      const rows = await this.inserts.insertIn(
        tx,
        projectId,
        written.flatMap(({ news }) => news),
        context,
      );
      for (const { add, facts, news } of written) {
        const ids = new Map(facts.map((item, index) => [item, news[index].id]));
        const input = { ...context, input: add.request.messages, eventId: add.eventId };
        await this.lifecycle.apply(tx, projectId, add.judgement, ids, input);
      }
      return adds.map((add) =>
        inInsertOrder(
          add.eventId,
          (done.has(add.eventId) ? already : rows).filter((row) => row.sourceEventId === add.eventId),
        ).map((row) => resultItem(row, 'ADD')),
      );
    });
    await this.settle(
      projectId,
      adds.map((add, index) => ({ ...add, results: results[index] })),
    );
    return results;
  }
}

const NEGATION = /\b(not|never|no longer|don't|doesn't|isn't|aren't|wasn't|won't|can't|cannot)\b/i;

/** "Likes coffee" and "Does not like coffee" embed close together but are not duplicates. */
function samePolarity(a: string, b: string): boolean {
  return NEGATION.test(a) === NEGATION.test(b);
}

function sameScope(a: Scope, b: Scope): boolean {
  return scopeKey(a) === scopeKey(b);
}

/** A fact kept earlier in the group that this one repeats (same scope, same text or nearly the same). */
function repeatsFact(other: PlannedFact, item: PlannedFact): boolean {
  return (
    sameScope(other.scope, item.scope) &&
    (other.hash === item.hash ||
      (dot(other.vector, item.vector) >= NEAR_DUPLICATE && samePolarity(other.fact.text, item.fact.text)))
  );
}
