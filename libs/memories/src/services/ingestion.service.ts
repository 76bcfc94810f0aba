import { setImmediate as nextTurn } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import {
  ChatMessage,
  dot,
  Embedder,
  EMBEDDER,
  emptyUsage,
  ExtractedFact,
  LLM_PROVIDER,
  LlmProvider,
  TokenUsage,
  UpdateDecision,
} from '@app/ai';
import { Memory, Prisma, Project } from '@app/core';
import { JobData, JobName, JobStatus, QueueService } from '@app/queue';
import { ProjectsService } from '@app/tenancy';
import { embeddingText } from '../annotation/entities';
import { ContentService } from '../content/content.service';
import { annotate } from '../annotation/annotate';
import { memoryHash } from '../memory.mapper';
import { AddRequest, AddResultItem, Scope } from '../memory.types';
import { EventsRepository } from '../repositories/events.repository';
import { MemoriesRepository } from '../repositories/memories.repository';
import { MemoryInsertsRepository } from '../repositories/memory-inserts.repository';
import { inInsertOrder, resultItem, toNewMemory } from './add-rows';
import { LifecycleService } from './lifecycle.service';
import { NewMemory, SimilarRow, WriteContext } from '../repositories/memory-rows';

/** Cosine similarity above which a new fact repeats a memory of the same scope (v3 drops it). */
const NEAR_DUPLICATE = 0.92;
const CONTEXT_INPUTS = 10;
const CONTEXT_MESSAGES = 20;
/** Legacy decisions applied per transaction. */
const APPLY_BATCH = 100;

type Tx = Prisma.TransactionClient;

interface Decided {
  item: PlannedFact;
  decision: UpdateDecision;
  /** Position among the add's facts: the memory id derives from it. */
  index: number;
}

interface PlannedFact {
  fact: ExtractedFact;
  scope: Scope;
  vector: number[];
  hash: string;
}

/** The add pipeline run by the worker, idempotent when BullMQ runs a job twice. */
@Injectable()
export class IngestionService {
  constructor(
    private readonly memories: MemoriesRepository,
    private readonly inserts: MemoryInsertsRepository,
    private readonly events: EventsRepository,
    private readonly projects: ProjectsService,
    private readonly queue: QueueService,
    private readonly lifecycle: LifecycleService,
    private readonly contents: ContentService,
    @Inject(LLM_PROVIDER) private readonly llm: LlmProvider,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
  ) {}

  async handleAdd({ projectId, eventId }: JobData<JobName.AddMemories>): Promise<JobStatus> {
    const event = await this.events.find(projectId, eventId);
    if (!event || !(await this.events.markRunning(projectId, eventId))) {
      return JobStatus.Skipped;
    }
    const usage = emptyUsage();
    const request = await this.contents.resolve(projectId, eventId, event.payload as unknown as AddRequest, usage);
    if (!request) return JobStatus.Success;
    const project = await this.projects.settings(projectId);
    const planned = await this.plan(projectId, request, project, usage);
    const results =
      request.pipeline === 'v1'
        ? await this.applyLegacy(projectId, eventId, request, planned, usage)
        : await this.applyAdditive(projectId, eventId, request, planned, usage);
    const touched = results.filter((item) => item.event === 'ADD' || item.event === 'UPDATE').map((item) => item.id);
    if (touched.length > 0) {
      await this.queue.add(
        { name: JobName.CategorizeMemories, data: { projectId, memoryIds: touched, eventId } },
        { jobId: `categorize-${eventId}` },
      );
    }
    await this.events.finish(projectId, eventId, { status: 'SUCCEEDED', results, metadata: { token_usage: usage } });
    return JobStatus.Success;
  }

  /** Extract facts, attribute each to a scope and embed them. */
  private async plan(
    projectId: string,
    request: AddRequest,
    project: Project,
    usage: TokenUsage,
  ): Promise<PlannedFact[]> {
    const context = await this.context(projectId, request.scope);
    const extraction = await this.llm.extractFacts({
      messages: request.messages,
      context,
      customInstructions: request.customInstructions ?? project.customInstructions,
      agentCustomInstructions:
        request.agentCustomInstructions ??
        project.agentCustomInstructions ??
        request.customInstructions ??
        project.customInstructions,
      includes: request.includes ?? project.inclusionPrompt,
      excludes: request.excludes ?? project.exclusionPrompt,
      customPrompt: request.customPrompt,
      multilingual: project.multilingual,
    });
    addUsage(usage, extraction.usage);
    const { facts } = extraction;
    const unique = [
      ...new Map(
        facts.filter((fact) => fact.text.trim()).map((fact) => [`${fact.source}:${fact.text}`, fact]),
      ).values(),
    ];
    if (unique.length === 0) {
      return [];
    }
    const vectors = await this.embedder.embed(unique.map((fact) => embeddingText(fact.text)));
    return unique.map((fact, index) => ({
      fact,
      scope: request.wholeScope ? request.scope : attribute(request.scope, fact.source),
      vector: vectors[index],
      hash: memoryHash(fact.text),
    }));
  }

  /**
   * v3: append new facts; exact and near duplicates of the same scope (stored or in this call) are dropped.
   * The check and the insert run under the scopes' locks: parallel adds and a re-delivered job see each other.
   * What the new facts supersede or merge is retired in the same transaction.
   */
  private async applyAdditive(
    projectId: string,
    eventId: string,
    request: AddRequest,
    planned: PlannedFact[],
    usage: TokenUsage,
  ) {
    const context = { embedder: this.embedder.id, input: request.messages, eventId };
    const judgement = await this.lifecycle.judge(projectId, planned, usage);
    const scopes = planned.map((item) => item.scope);
    return this.memories.inScopes(projectId, scopes, async (tx) => {
      const already = await this.memories.bySourceEvent(projectId, eventId, tx);
      if (already.length > 0) {
        // A previous run of this job committed its insert: report it instead of deduplicating against it.
        return inInsertOrder(eventId, already).map((row) => resultItem(row, 'ADD'));
      }
      const kept = this.lifecycle.withoutRedundant(judgement, await this.withoutDuplicates(tx, projectId, planned));
      const news = kept.map((item, index) => toNewMemory(eventId, index, request, { ...item, text: item.fact.text }));
      const rows = await this.inserts.insertIn(tx, projectId, news, context);
      await this.lifecycle.apply(tx, projectId, judgement, new Map(kept.map((item, i) => [item, news[i].id])), context);
      return rows.map((row) => resultItem(row, 'ADD'));
    });
  }

  private async withoutDuplicates(tx: Tx, projectId: string, planned: PlannedFact[]): Promise<PlannedFact[]> {
    // Exact duplicates (also those embedded by another embedder): one lookup per scope, not per fact.
    const storedByScope = new Map<string, Set<string>>();
    for (const item of planned) {
      const key = scopeKey(item.scope);
      if (!storedByScope.has(key)) {
        const hashes = planned.filter((other) => scopeKey(other.scope) === key).map((other) => other.hash);
        storedByScope.set(key, await this.memories.existingHashes(projectId, item.scope, hashes, tx));
      }
    }
    const nearest = await this.similarByFact(projectId, planned, 1, tx);
    const kept: PlannedFact[] = [];
    for (const [index, item] of planned.entries()) {
      const stored = storedByScope.get(scopeKey(item.scope))!;
      const [closest] = nearest[index];
      const repeatsBatch = kept.some(
        (other) =>
          sameScope(other.scope, item.scope) &&
          (other.hash === item.hash ||
            (dot(other.vector, item.vector) >= NEAR_DUPLICATE && samePolarity(other.fact.text, item.fact.text))),
      );
      const repeatsStored =
        closest && closest.similarity >= NEAR_DUPLICATE && samePolarity(closest.memory, item.fact.text);
      if (!stored.has(item.hash) && !repeatsStored && !repeatsBatch) {
        kept.push(item);
      }
    }
    return kept;
  }

  /** Each fact's most similar memories of its scope: one statement per scope, not per fact. */
  private async similarByFact(projectId: string, facts: PlannedFact[], limit: number, tx?: Tx) {
    const found: SimilarRow[][] = facts.map(() => []);
    for (const group of groupByScope(facts)) {
      const vectors = group.map((index) => facts[index].vector);
      const similar = await this.memories.similarInScope(
        projectId,
        facts[group[0]].scope,
        this.embedder.id,
        vectors,
        limit,
        tx,
      );
      group.forEach((index, position) => (found[index] = similar[position]));
    }
    return found;
  }

  /**
   * v1: each fact is compared with the most similar memories of its scope and ADDed, UPDATEd, DELETEd or
   * dropped. The decisions are applied a batch at a time, each batch in one transaction under its scopes' locks.
   */
  private async applyLegacy(
    projectId: string,
    eventId: string,
    request: AddRequest,
    planned: PlannedFact[],
    usage: TokenUsage,
  ) {
    const similar = await this.similarByFact(projectId, planned, 5);
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
    const judgement = await this.lifecycle.judgeLegacy(projectId, decisions, usage);
    const context = { embedder: this.embedder.id, input: request.messages, eventId };
    const results: AddResultItem[] = [];
    for (let start = 0; start < decisions.length; start += APPLY_BATCH) {
      if (start > 0) {
        await nextTurn();
      }
      const batch = decisions.slice(start, start + APPLY_BATCH);
      const scopes = batch.map(({ item }) => item.scope);
      results.push(
        ...(await this.memories.inScopes(projectId, scopes, async (tx) => {
          const applied: AddResultItem[] = [];
          // Runs of additions are inserted together; a change first lets the additions before it go in.
          let additions: Decided[] = [];
          for (const decided of batch) {
            if (decided.decision.event !== 'ADD') {
              applied.push(...(await this.addFacts(tx, projectId, eventId, request, additions, context)));
              additions = [];
              const changed = await this.applyChange(tx, projectId, decided, context);
              if (changed) {
                applied.push(changed);
                continue;
              }
            }
            additions.push(decided);
          }
          applied.push(...(await this.addFacts(tx, projectId, eventId, request, additions, context)));
          return applied;
        })),
      );
    }
    await this.lifecycle.applyLegacy(projectId, eventId, judgement, decisions, results, context);
    return results;
  }

  /** An UPDATE, DELETE or NOOP of the memory the decision names; null when that memory is gone (the fact is added). */
  private async applyChange(
    tx: Tx,
    projectId: string,
    { item, decision }: Decided,
    context: WriteContext,
  ): Promise<AddResultItem | null> {
    const id = decision.event === 'ADD' ? undefined : decision.id;
    const target = id ? await tx.memory.findFirst({ where: { projectId, id } }) : null;
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
  private async addFacts(
    tx: Tx,
    projectId: string,
    eventId: string,
    request: AddRequest,
    additions: Decided[],
    context: WriteContext,
  ): Promise<AddResultItem[]> {
    const twins = new Map<string, Memory>();
    for (const group of groupByScope(additions.map(({ item }) => item))) {
      const { scope } = additions[group[0]].item;
      const found = await this.memories.firstByHash(
        projectId,
        scope,
        group.map((index) => additions[index].item.hash),
        tx,
      );
      found.forEach((row, hash) => twins.set(`${scopeKey(scope)}\u0000${hash}`, row));
    }
    const fresh = new Map<string, NewMemory>();
    const outcomes = additions.map(({ item, index }) => {
      const memory = toNewMemory(eventId, index, request, { ...item, text: item.fact.text });
      const key = `${scopeKey(item.scope)}\u0000${item.hash}`;
      const twin = twins.get(key);
      if (twin) {
        return { id: twin.id, event: twin.id === memory.id ? ('ADD' as const) : ('NOOP' as const), row: twin };
      }
      const earlier = fresh.get(key);
      fresh.set(key, earlier ?? memory);
      return { id: (earlier ?? memory).id, event: earlier ? ('NOOP' as const) : ('ADD' as const), row: null };
    });
    const rows = await this.inserts.insertIn(tx, projectId, [...fresh.values()], context);
    const inserted = new Map(rows.map((row) => [row.id, row]));
    return outcomes.flatMap(({ id, event, row }) => {
      const stored = row ?? inserted.get(id);
      return stored ? [resultItem(stored, event)] : [];
    });
  }

  private async context(projectId: string, scope: Scope): Promise<ChatMessage[]> {
    if (!scope.userId && !scope.runId) {
      return [];
    }
    const inputs = await this.memories.recentInputs(projectId, scope, CONTEXT_INPUTS);
    const messages = inputs.flatMap((input) => (Array.isArray(input) ? (input as ChatMessage[]) : []));
    return [...new Map(messages.map((message) => [`${message.role}:${message.content}`, message])).values()].slice(
      -CONTEXT_MESSAGES,
    );
  }
}

function addUsage(total: TokenUsage, part: TokenUsage): void {
  total.llmCalls += part.llmCalls;
  total.inputTokens += part.inputTokens;
  total.outputTokens += part.outputTokens;
}

/** User-stated facts go to user_id, assistant-stated ones to agent_id; app and run ids go on every record. */
function attribute(scope: Scope, source: ExtractedFact['source']): Scope {
  const both = Boolean(scope.userId && scope.agentId);
  return {
    userId: both && source === 'assistant' ? null : (scope.userId ?? null),
    agentId: both && source === 'user' ? null : (scope.agentId ?? null),
    appId: scope.appId ?? null,
    runId: scope.runId ?? null,
  };
}

const NEGATION = /\b(not|never|no longer|don't|doesn't|isn't|aren't|wasn't|won't|can't|cannot)\b/i;

/** "Likes coffee" and "Does not like coffee" embed close together but are not duplicates. */
function samePolarity(a: string, b: string): boolean {
  return NEGATION.test(a) === NEGATION.test(b);
}

/** The positions of the facts of each scope. */
function groupByScope(facts: { scope: Scope }[]): number[][] {
  const groups = new Map<string, number[]>();
  facts.forEach((fact, index) => {
    const key = scopeKey(fact.scope);
    groups.set(key, [...(groups.get(key) ?? []), index]);
  });
  return [...groups.values()];
}

function scopeKey(scope: Scope): string {
  return [scope.userId, scope.agentId, scope.appId, scope.runId].map((value) => value ?? '').join('\u0000');
}

function sameScope(a: Scope, b: Scope): boolean {
  return scopeKey(a) === scopeKey(b);
}
