import { setImmediate as nextTurn } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import { Embedder, EMBEDDER, LLM_PROVIDER, LlmProvider, TokenUsage, UpdateDecision } from '@app/ai';
import { Memory, Prisma } from '@app/core';
import { embeddingText } from '../annotation/entities';
import { annotate } from '../annotation/annotate';
import { memoryHash } from '../memory/memory.mapper';
import { AddRequest, AddResultItem } from '../memory/memory.types';
import { MemoriesRepository } from '../memory/memories.repository';
import { MemoryInsertsRepository } from './memory-inserts.repository';
import { groupByScope, NewMemory, scopeKey, WriteContext } from '../memory/memory-rows';
import { PlannedFact, resultItem, toNewMemory } from './add-rows';
import { LifecycleService } from '../memory/lifecycle.service';

/** Most similar memories of its scope each fact is decided against. */
const SIMILAR = 5;
/** Legacy decisions applied per transaction. */
const APPLY_BATCH = 100;

type Tx = Prisma.TransactionClient;

interface Decided {
  item: PlannedFact;
  decision: UpdateDecision;
  /** Position among the add's facts: the memory id derives from it. */
  index: number;
}

/** What every step of one add's application writes with. */
interface LegacyRun {
  projectId: string;
  eventId: string;
  request: AddRequest;
  context: WriteContext;
}

/**
 * v1: each fact is compared with the most similar memories of its scope and ADDed, UPDATEd, DELETEd or
 * dropped. The decisions are applied a batch at a time, each batch in one transaction under its scopes' locks.
 */
@Injectable()
export class LegacyAddsService {
  constructor(
    private readonly memories: MemoriesRepository,
    private readonly inserts: MemoryInsertsRepository,
    private readonly lifecycle: LifecycleService,
    @Inject(LLM_PROVIDER) private readonly llm: LlmProvider,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
  ) {}

  async apply(
    projectId: string,
    eventId: string,
    request: AddRequest,
    planned: PlannedFact[],
    usage: TokenUsage,
  ): Promise<AddResultItem[]> {
    const decisions = await this.decide(projectId, request, planned, usage);
    const judgement = await this.lifecycle.judgeLegacy(projectId, decisions, usage);
    const run = {
      projectId,
      eventId,
      request,
      context: { embedder: this.embedder.id, input: request.messages, eventId },
    };
    const results: AddResultItem[] = [];
    for (let start = 0; start < decisions.length; start += APPLY_BATCH) {
      if (start > 0) {
        await nextTurn();
      }
      results.push(...(await this.applyBatch(run, decisions.slice(start, start + APPLY_BATCH))));
    }
    await this.lifecycle.applyLegacy(projectId, eventId, judgement, decisions, results, run.context);
    return results;
  }

  /** The model's ADD, UPDATE, DELETE or NOOP for each fact, one fact at a time. */
  private async decide(
    projectId: string,
    request: AddRequest,
    planned: PlannedFact[],
    usage: TokenUsage,
  ): Promise<Decided[]> {
    const similar = await this.memories.similarByFact(projectId, this.embedder.id, planned, SIMILAR);
    const decisions: Decided[] = [];
    for (const [index, item] of planned.entries()) {
      const decision = await this.llm.decideUpdate({
        fact: item.fact.text,
        similar: similar[index].map((row) => ({ id: row.id, text: row.memory, similarity: Number(row.similarity) })),
        instructions: request.customInstructions,
        usage,
      });
      decisions.push({ item, decision, index });
    }
    return decisions;
  }

  /** One transaction: runs of additions are inserted together; a change first lets the additions before it go in. */
  private applyBatch(run: LegacyRun, batch: Decided[]): Promise<AddResultItem[]> {
    const scopes = batch.map(({ item }) => item.scope);
    return this.memories.inScopes(run.projectId, scopes, async (tx) => {
      const applied: AddResultItem[] = [];
      let additions: Decided[] = [];
      for (const decided of batch) {
        if (decided.decision.event !== 'ADD') {
          applied.push(...(await this.addFacts(tx, run, additions)));
          additions = [];
          const changed = await this.applyChange(tx, run, decided);
          if (changed) {
            applied.push(changed);
            continue;
          }
        }
        additions.push(decided);
      }
      applied.push(...(await this.addFacts(tx, run, additions)));
      return applied;
    });
  }

  /** An UPDATE, DELETE or NOOP of the memory the decision names; null when that memory is gone (the fact is added). */
  private async applyChange(
    tx: Tx,
    { projectId, context }: LegacyRun,
    { item, decision }: Decided,
  ): Promise<AddResultItem | null> {
    const id = decision.event === 'ADD' ? undefined : decision.id;
    const target = id ? await this.memories.findById(projectId, id, tx) : null;
    if (!target) {
      return null;
    }
    if (target.immutable || decision.event === 'NOOP') {
      return resultItem(target, 'NOOP');
    }
    if (decision.event === 'DELETE') {
      await this.memories.deleteIn(tx, projectId, [target.id], context);
      return resultItem(target, 'DELETE');
    }
    const text = decision.text || item.fact.text;
    const embedding = text === item.fact.text ? item.vector : (await this.embedder.embed([embeddingText(text)]))[0];
    const change = {
      memory: text,
      hash: memoryHash(text),
      embedding,
      categories: null,
      annotation: annotate(text, new Date()),
    };
    const after = await this.memories.updateIn(tx, projectId, target.id, change, context);
    return { ...resultItem(after!, 'UPDATE'), previous_memory: target.memory };
  }

  /**
   * Inserts the facts not stored yet. Decided outside the lock: another add (or an earlier run of this job)
   * may have stored a fact since, and a fact may repeat an earlier one of the same add (both NOOPs).
   */
  private async addFacts(tx: Tx, run: LegacyRun, additions: Decided[]): Promise<AddResultItem[]> {
    const twins = await this.storedTwins(tx, run.projectId, additions);
    const fresh = new Map<string, NewMemory>();
    const outcomes = additions.map(({ item, index }) => {
      const memory = toNewMemory(run.eventId, index, run.request, { ...item, text: item.fact.text });
      const key = factKey(item);
      const twin = twins.get(key);
      if (twin) {
        return { id: twin.id, event: twin.id === memory.id ? ('ADD' as const) : ('NOOP' as const), row: twin };
      }
      const earlier = fresh.get(key);
      fresh.set(key, earlier ?? memory);
      return { id: (earlier ?? memory).id, event: earlier ? ('NOOP' as const) : ('ADD' as const), row: null };
    });
    const rows = await this.inserts.insertIn(tx, run.projectId, [...fresh.values()], run.context);
    const inserted = new Map(rows.map((row) => [row.id, row]));
    return outcomes.flatMap(({ id, event, row }) => {
      const stored = row ?? inserted.get(id);
      return stored ? [resultItem(stored, event)] : [];
    });
  }

  /** The stored memory each addition repeats (same scope, same hash), by `factKey`: one lookup per scope. */
  private async storedTwins(tx: Tx, projectId: string, additions: Decided[]): Promise<Map<string, Memory>> {
    const twins = new Map<string, Memory>();
    for (const group of groupByScope(additions.map(({ item }) => item))) {
      const { scope } = additions[group[0]].item;
      const hashes = group.map((index) => additions[index].item.hash);
      const found = await this.memories.firstByHash(projectId, scope, hashes, tx);
      found.forEach((row, hash) => twins.set(factKey({ scope, hash }), row));
    }
    return twins;
  }
}

function factKey({ scope, hash }: Pick<PlannedFact, 'scope' | 'hash'>): string {
  return `${scopeKey(scope)}\u0000${hash}`;
}
