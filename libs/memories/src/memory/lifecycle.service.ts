import { Inject, Injectable, Logger } from '@nestjs/common';
import { Embedder, EMBEDDER, LifecycleDecision, LLM_PROVIDER, LlmProvider, TokenUsage, UpdateDecision } from '@app/ai';
import { Prisma } from '@app/core';
import { Coalescer } from './coalescer';
import { deterministicUuid } from './ids';
import { AddResultItem, Scope } from './memory.types';
import { LifecycleRepository, Retirement } from './lifecycle.repository';
import { MemoriesRepository } from './memories.repository';
import { SimilarRow, WriteContext } from './memory-rows';

/** Active memories of its scope each new fact is compared with. */
const CANDIDATES = 8;
/** A model is only asked about memories at least this similar (the offline rules read every candidate). */
const MODEL_CANDIDATE_FLOOR = 0.3;

type Tx = Prisma.TransactionClient;

export interface JudgedFact {
  fact: { text: string };
  scope: Scope;
  vector: number[];
}

/** The decisions about an add's facts, by their position in `facts`. */
export interface Judgement<T extends JudgedFact> {
  facts: T[];
  decisions: LifecycleDecision[];
}

/**
 * Supersede and merge at add time. The judgement (neighbours, maybe a model call) is made before the
 * scopes' locks are taken; it is applied under them, in the transaction that inserts the new memories.
 * Best effort: a failed judgement leaves the facts to be added as they are.
 */
@Injectable()
export class LifecycleService {
  private readonly logger = new Logger(LifecycleService.name);
  /** Concurrent adds of a project look up their facts' neighbours in one statement. */
  private readonly nearest = new Coalescer<JudgedFact[], SimilarRow[][]>(async (projectId, adds) => {
    const found = await this.memories.similarByFact(
      projectId,
      this.embedder.id,
      adds.flat(),
      CANDIDATES,
      undefined,
      true,
    );
    let next = 0;
    return adds.map((facts) => found.slice(next, (next += facts.length)));
  });

  constructor(
    private readonly memories: MemoriesRepository,
    private readonly lifecycle: LifecycleRepository,
    @Inject(LLM_PROVIDER) private readonly llm: LlmProvider,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
  ) {}

  async judge<T extends JudgedFact>(
    projectId: string,
    facts: T[],
    usage: TokenUsage,
    exclude: ReadonlySet<string> = new Set(),
  ): Promise<Judgement<T>> {
    const none = { facts, decisions: [] };
    if (facts.length === 0) {
      return none;
    }
    const floor = this.llm.name === 'offline' ? -Infinity : MODEL_CANDIDATE_FLOOR;
    const neighbours = await this.neighbours(projectId, facts);
    const request = {
      facts: facts.map((item, index) => ({
        text: item.fact.text,
        candidates: neighbours[index]
          .filter((row) => !exclude.has(row.id) && Number(row.similarity) >= floor)
          .map((row) => ({ id: row.id, text: row.memory, similarity: Number(row.similarity) })),
      })),
      usage,
    };
    if (!request.facts.some((fact) => fact.candidates.length > 0)) {
      return none;
    }
    try {
      return { facts, decisions: await this.llm.judgeLifecycle(request) };
    } catch (error) {
      this.logger.warn({ projectId, err: error }, 'supersede/merge judgement failed; facts added as they are');
      return none;
    }
  }

  /** The facts minus those that only end a memory another fact of the add replaces. */
  withoutRedundant<T extends JudgedFact>(judgement: Judgement<T>, kept: T[]): T[] {
    const useful = new Set(judgement.decisions.filter((d) => !d.redundant).map((d) => d.fact));
    const redundant = new Set(judgement.decisions.filter((d) => d.redundant && !useful.has(d.fact)).map((d) => d.fact));
    return kept.filter((item) => !redundant.has(judgement.facts.indexOf(item)));
  }

  /** Retires what the stored facts (fact -> its new memory's id) supersede or merge. */
  async apply<T extends JudgedFact>(
    tx: Tx,
    projectId: string,
    judgement: Judgement<T>,
    stored: Map<T, string>,
    context: WriteContext,
  ): Promise<void> {
    const retirements = new Map<string, Retirement>();
    for (const decision of judgement.decisions) {
      const replacedBy = stored.get(judgement.facts[decision.fact]);
      if (
        !decision.redundant &&
        replacedBy &&
        replacedBy !== decision.memoryId &&
        !retirements.has(decision.memoryId)
      ) {
        const state = decision.action === 'merge' ? 'merged' : 'superseded';
        retirements.set(decision.memoryId, { id: decision.memoryId, state, replacedBy });
      }
    }
    if (retirements.size > 0) {
      await this.lifecycle.retireIn(tx, projectId, [...retirements.values()], context);
    }
  }

  /** Legacy adds: only the facts decided ADD are judged, never against a memory the add updates or deletes. */
  judgeLegacy<T extends JudgedFact>(
    projectId: string,
    decided: { item: T; decision: UpdateDecision }[],
    usage: TokenUsage,
  ): Promise<Judgement<T>> {
    const changed = new Set(
      decided.flatMap(({ decision }) => (decision.event !== 'ADD' && decision.id ? [decision.id] : [])),
    );
    const added = decided.filter(({ decision }) => decision.event === 'ADD').map(({ item }) => item);
    return this.judge(projectId, added, usage, changed);
  }

  /** After a legacy add's batches: the facts it ADDed (their ids derive from their position) retire what they replace. */
  async applyLegacy<T extends JudgedFact>(
    projectId: string,
    eventId: string,
    judgement: Judgement<T>,
    decided: { item: T; index: number }[],
    results: AddResultItem[],
    context: WriteContext,
  ): Promise<void> {
    if (judgement.decisions.length === 0) {
      return;
    }
    const added = new Set(results.filter((result) => result.event === 'ADD').map((result) => result.id));
    const stored = new Map<T, string>();
    for (const { item, index } of decided) {
      const id = deterministicUuid(eventId, String(index));
      if (added.has(id)) {
        stored.set(item, id);
      }
    }
    const scopes = judgement.facts.map((item) => item.scope);
    await this.memories.inScopes(projectId, scopes, (tx) => this.apply(tx, projectId, judgement, stored, context));
  }

  /** Each fact's nearest active memories of its scope. */
  private neighbours(projectId: string, facts: JudgedFact[]): Promise<SimilarRow[][]> {
    return this.nearest.submit(projectId, facts);
  }
}
