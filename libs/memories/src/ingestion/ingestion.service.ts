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
} from '@app/ai';
import { Prisma, Project } from '@app/core';
import { JobData, JobName, JobStatus, QueueService } from '@app/queue';
import { ProjectsService } from '@app/tenancy';
import { embeddingText } from '../annotation/entities';
import { ContentService } from './content/content.service';
import { memoryHash } from '../memory/memory.mapper';
import { AddRequest, Scope } from '../memory/memory.types';
import { EventsRepository } from '../events/events.repository';
import { MemoriesRepository } from '../memory/memories.repository';
import { MemoryInsertsRepository } from './memory-inserts.repository';
import { groupByScope, scopeKey } from '../memory/memory-rows';
import { inInsertOrder, PlannedFact, resultItem, toNewMemory } from './add-rows';
import { LegacyAddsService } from './legacy-adds.service';
import { LifecycleService } from '../memory/lifecycle.service';
import { ProfilesService } from '../profiles/profiles.service';
import { CategorizationService } from './categorization.service';

/** Cosine similarity above which a new fact repeats a memory of the same scope (v3 drops it). */
const NEAR_DUPLICATE = 0.92;
const CONTEXT_INPUTS = 10;
const CONTEXT_MESSAGES = 20;

type Tx = Prisma.TransactionClient;

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
    private readonly legacy: LegacyAddsService,
    private readonly contents: ContentService,
    private readonly profiles: ProfilesService,
    private readonly categorization: CategorizationService,
    @Inject(LLM_PROVIDER) private readonly llm: LlmProvider,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
  ) {}

  async handleAdd({ projectId, eventId }: JobData<JobName.AddMemories>): Promise<JobStatus> {
    const event = await this.events.start(projectId, eventId);
    if (!event) {
      return JobStatus.Skipped;
    }
    const usage = emptyUsage();
    const request = await this.contents.resolve(projectId, eventId, event.payload as unknown as AddRequest, usage);
    if (!request) return JobStatus.Success;
    const project = await this.projects.settings(projectId);
    const planned = await this.plan(projectId, request, project, usage);
    const results =
      request.pipeline === 'v1'
        ? await this.legacy.apply(projectId, eventId, request, planned, usage)
        : await this.applyAdditive(projectId, eventId, request, project, planned, usage);
    const touched = results.filter((item) => item.event === 'ADD' || item.event === 'UPDATE').map((item) => item.id);
    if (touched.length > 0 && this.categorization.inline(request.pipeline)) {
      // What a categorisation job would do after its change: profiles may fall due.
      await this.profiles.refreshAfterChange(
        projectId,
        results.map((item) => item.user_id),
      );
    } else if (touched.length > 0) {
      await this.queue.add(
        { name: JobName.CategorizeMemories, data: { projectId, memoryIds: touched, eventId } },
        { jobId: `categorize-${eventId}` },
      );
    }
    await this.events.finish(projectId, eventId, { status: 'SUCCEEDED', results, metadata: { token_usage: usage } });
    return JobStatus.Success;
  }

  private async categorise(request: AddRequest, project: Project, planned: PlannedFact[]) {
    if (!this.categorization.inline(request.pipeline)) {
      return new Map<PlannedFact, string[]>();
    }
    const texts = planned.map((item) => item.fact.text);
    const found = await this.categorization.categorise(texts, request.customCategories, project);
    return new Map(planned.map((item, index) => [item, found[index]]));
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
    project: Project,
    planned: PlannedFact[],
    usage: TokenUsage,
  ) {
    const context = { embedder: this.embedder.id, input: request.messages, eventId };
    const judgement = await this.lifecycle.judge(projectId, planned, usage);
    const categories = await this.categorise(request, project, planned);
    const scopes = planned.map((item) => item.scope);
    return this.memories.inScopes(projectId, scopes, async (tx) => {
      const already = await this.memories.bySourceEvent(projectId, eventId, tx);
      if (already.length > 0) {
        // A previous run of this job committed its insert: report it instead of deduplicating against it.
        return inInsertOrder(eventId, already).map((row) => resultItem(row, 'ADD'));
      }
      const kept = this.lifecycle.withoutRedundant(judgement, await this.withoutDuplicates(tx, projectId, planned));
      const news = kept.map((item, index) => ({
        ...toNewMemory(eventId, index, request, { ...item, text: item.fact.text }),
        categories: categories.get(item),
      }));
      const rows = await this.inserts.insertIn(tx, projectId, news, context);
      await this.lifecycle.apply(tx, projectId, judgement, new Map(kept.map((item, i) => [item, news[i].id])), context);
      return rows.map((row) => resultItem(row, 'ADD'));
    });
  }

  private async withoutDuplicates(tx: Tx, projectId: string, planned: PlannedFact[]): Promise<PlannedFact[]> {
    // Exact duplicates (also those embedded by another embedder): one lookup per scope, not per fact.
    const storedByScope = new Map<string, Set<string>>();
    for (const group of groupByScope(planned)) {
      const { scope } = planned[group[0]];
      const hashes = group.map((index) => planned[index].hash);
      storedByScope.set(scopeKey(scope), await this.memories.existingHashes(projectId, scope, hashes, tx));
    }
    const nearest = await this.memories.similarByFact(projectId, this.embedder.id, planned, 1, tx);
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

function sameScope(a: Scope, b: Scope): boolean {
  return scopeKey(a) === scopeKey(b);
}
