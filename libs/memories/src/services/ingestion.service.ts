import { Inject, Injectable } from '@nestjs/common';
import {
  ChatMessage,
  Embedder,
  EMBEDDER,
  emptyUsage,
  ExtractedFact,
  LLM_PROVIDER,
  LlmProvider,
  TokenUsage,
  UpdateDecision,
} from '@app/ai';
import { formatTimestamp, Memory, Prisma, Project } from '@app/core';
import { JobData, JobName, JobStatus, QueueService } from '@app/queue';
import { ProjectsService } from '@app/tenancy';
import { embeddingText } from '../annotation/entities';
import { annotate } from '../annotation/annotate';
import { deterministicUuid } from '../ids';
import { memoryHash } from '../memory.mapper';
import { AddRequest, AddResultItem, Scope } from '../memory.types';
import { EventsRepository } from '../repositories/events.repository';
import { MemoriesRepository } from '../repositories/memories.repository';
import { MemoryInsertsRepository } from '../repositories/memory-inserts.repository';
import { NewMemory, scopeOf } from '../repositories/memory-rows';

/** Cosine similarity above which a new fact repeats a memory of the same scope (v3 drops it). */
const NEAR_DUPLICATE = 0.92;
const CONTEXT_INPUTS = 10;
const CONTEXT_MESSAGES = 20;

type Tx = Prisma.TransactionClient;

interface PlannedFact {
  fact: ExtractedFact;
  scope: Scope;
  vector: number[];
  hash: string;
}

/** The add pipeline run by the worker (contract 4.2 / 4.3), idempotent when BullMQ runs a job twice. */
@Injectable()
export class IngestionService {
  constructor(
    private readonly memories: MemoriesRepository,
    private readonly inserts: MemoryInsertsRepository,
    private readonly events: EventsRepository,
    private readonly projects: ProjectsService,
    private readonly queue: QueueService,
    @Inject(LLM_PROVIDER) private readonly llm: LlmProvider,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
  ) {}

  async handleAdd({ projectId, eventId }: JobData<JobName.AddMemories>): Promise<JobStatus> {
    const event = await this.events.find(projectId, eventId);
    if (!event || !(await this.events.markRunning(projectId, eventId))) {
      return JobStatus.Skipped;
    }
    const request = event.payload as unknown as AddRequest;
    const project = await this.projects.settings(projectId);
    const usage = emptyUsage();
    const planned = await this.plan(projectId, request, project, usage);
    const results =
      request.pipeline === 'v1'
        ? await this.applyLegacy(projectId, eventId, request, planned, usage)
        : await this.applyAdditive(projectId, eventId, request, planned);
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

  /** Extract facts, attribute each to a scope (contract 4.2 step 3) and embed them. */
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
   */
  private applyAdditive(projectId: string, eventId: string, request: AddRequest, planned: PlannedFact[]) {
    const context = { embedder: this.embedder.id, input: request.messages, eventId };
    const scopes = planned.map((item) => item.scope);
    return this.memories.inScopes(projectId, scopes, async (tx) => {
      const already = await this.memories.bySourceEvent(projectId, eventId, tx);
      if (already.length > 0) {
        // A previous run of this job committed its insert: report it instead of deduplicating against it.
        return inInsertOrder(eventId, already).map((row) => resultItem(row, 'ADD'));
      }
      const kept = await this.withoutDuplicates(tx, projectId, planned);
      const rows = await this.inserts.insertIn(
        tx,
        projectId,
        kept.map((item, index) => toNewMemory(eventId, index, request, { ...item, text: item.fact.text })),
        context,
      );
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
    const kept: PlannedFact[] = [];
    for (const item of planned) {
      const stored = storedByScope.get(scopeKey(item.scope))!;
      const [closest] = await this.memories.similarInScope(projectId, item.scope, this.embedder.id, item.vector, 1, tx);
      const repeatsBatch = kept.some(
        (other) =>
          sameScope(other.scope, item.scope) &&
          (other.hash === item.hash ||
            (cosine(other.vector, item.vector) >= NEAR_DUPLICATE && samePolarity(other.fact.text, item.fact.text))),
      );
      const repeatsStored =
        closest && closest.similarity >= NEAR_DUPLICATE && samePolarity(closest.memory, item.fact.text);
      if (!stored.has(item.hash) && !repeatsStored && !repeatsBatch) {
        kept.push(item);
      }
    }
    return kept;
  }

  /** v1: each fact is compared with the most similar memories of its scope and ADDed, UPDATEd, DELETEd or dropped. */
  private async applyLegacy(
    projectId: string,
    eventId: string,
    request: AddRequest,
    planned: PlannedFact[],
    usage: TokenUsage,
  ) {
    const decisions: { item: PlannedFact; decision: UpdateDecision }[] = [];
    for (const item of planned) {
      const similar = await this.memories.similarInScope(projectId, item.scope, this.embedder.id, item.vector, 5);
      const decision = await this.llm.decideUpdate({
        fact: item.fact.text,
        similar: similar.map((row) => ({ id: row.id, text: row.memory, similarity: Number(row.similarity) })),
        instructions: request.customInstructions,
        usage,
      });
      decisions.push({ item, decision });
    }
    const context = { embedder: this.embedder.id, input: request.messages, eventId };
    const scopes = planned.map((item) => item.scope);
    return this.memories.inScopes(projectId, scopes, async (tx) => {
      const results: AddResultItem[] = [];
      for (const [index, { item, decision }] of decisions.entries()) {
        if (decision.event === 'UPDATE' || decision.event === 'DELETE' || decision.event === 'NOOP') {
          const target = decision.id ? await tx.memory.findFirst({ where: { projectId, id: decision.id } }) : null;
          if (target && decision.event === 'NOOP') {
            results.push(resultItem(target, 'NOOP'));
            continue;
          }
          if (target && !target.immutable && decision.event === 'UPDATE') {
            const text = decision.text || item.fact.text;
            const embedding =
              text === item.fact.text ? item.vector : (await this.embedder.embed([embeddingText(text)]))[0];
            const change = {
              memory: text,
              hash: memoryHash(text),
              embedding,
              categories: null,
              annotation: annotate(text, new Date()),
            };
            const after = await this.memories.updateIn(tx, projectId, target.id, change, context);
            results.push({ ...resultItem(after!, 'UPDATE'), previous_memory: target.memory });
            continue;
          }
          if (target && !target.immutable && decision.event === 'DELETE') {
            await this.memories.deleteIn(tx, projectId, [target.id], context);
            results.push(resultItem(target, 'DELETE'));
            continue;
          }
          if (target) {
            results.push(resultItem(target, 'NOOP'));
            continue;
          }
        }
        // Decided outside the lock: another add (or an earlier run of this job) may have stored the fact since.
        const memory = toNewMemory(eventId, index, request, { ...item, text: item.fact.text });
        const twin = await this.memories.findByHash(projectId, item.scope, item.hash, tx);
        if (twin) {
          results.push(resultItem(twin, twin.id === memory.id ? 'ADD' : 'NOOP'));
          continue;
        }
        const [row] = await this.inserts.insertIn(tx, projectId, [memory], context);
        if (row) {
          results.push(resultItem(row, 'ADD'));
        }
      }
      return results;
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

function scopeKey(scope: Scope): string {
  return [scope.userId, scope.agentId, scope.appId, scope.runId].map((value) => value ?? '').join('\u0000');
}

function sameScope(a: Scope, b: Scope): boolean {
  return scopeKey(a) === scopeKey(b);
}

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
  }
  return dot;
}

/** An event's memories in the order its run inserted them (their ids derive from that position). */
function inInsertOrder(eventId: string, rows: Memory[]): Memory[] {
  const position = new Map(rows.map((_, index) => [deterministicUuid(eventId, String(index)), index]));
  return [...rows].sort((a, b) => (position.get(a.id) ?? rows.length) - (position.get(b.id) ?? rows.length));
}

/** The row an add inserts; its id derives from the event, so a re-run recognises what it stored. */
export function toNewMemory(
  eventId: string,
  index: number,
  request: AddRequest,
  item: { text: string; hash: string; scope: Scope; vector: number[] },
): NewMemory {
  const createdAt = request.timestamp ? new Date(request.timestamp * 1000) : new Date();
  return {
    id: deterministicUuid(eventId, String(index)),
    memory: item.text,
    hash: item.hash,
    scope: item.scope,
    metadata: request.metadata,
    immutable: request.immutable,
    expirationDate: request.expirationDate ? new Date(`${request.expirationDate}T00:00:00Z`) : null,
    createdAt,
    sourceEventId: eventId,
    embedding: item.vector,
    annotation: annotate(item.text, createdAt),
  };
}

export function resultItem(row: Memory, event: AddResultItem['event']): AddResultItem {
  const scope = scopeOf(row);
  return {
    id: row.id,
    event,
    memory: row.memory,
    data: { memory: row.memory },
    user_id: scope.userId ?? null,
    agent_id: scope.agentId ?? null,
    app_id: scope.appId ?? null,
    run_id: scope.runId ?? null,
    categories: row.categories?.length ? row.categories : null,
    metadata: row.metadata as Record<string, unknown> | null,
    created_at: formatTimestamp(row.createdAt),
  };
}
