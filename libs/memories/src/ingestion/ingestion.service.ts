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
} from '@app/ai';
import { Event, Project } from '@app/core';
import { JobData, JobName, JobStatus } from '@app/queue';
import { ProjectsService } from '@app/tenancy';
import { embeddingText } from '../annotation/entities';
import { ContentService } from './content/content.service';
import { memoryHash } from '../memory/memory.mapper';
import { AddRequest, Scope } from '../memory/memory.types';
import { EventsRepository } from '../events/events.repository';
import { MemoriesRepository } from '../memory/memories.repository';
import { PlannedFact } from './add-rows';
import { AdditiveAddsService } from './additive-adds.service';
import { Coalescer } from '../memory/coalescer';
import { LegacyAddsService } from './legacy-adds.service';
import { LifecycleService } from '../memory/lifecycle.service';
import { CategorizationService } from './categorization.service';

const CONTEXT_INPUTS = 10;
const CONTEXT_MESSAGES = 20;

/**
 * The add pipeline run by the worker, idempotent when BullMQ runs a job twice. Concurrent adds of a project
 * share their reads (event start, settings, context) as they share their writes.
 */
@Injectable()
export class IngestionService {
  private readonly starts = new Coalescer<string, Event | null>((projectId, ids) =>
    this.events.startAll(projectId, ids),
  );
  private readonly settings = new Coalescer<null, Project>(async (projectId, callers) => {
    const project = await this.projects.settings(projectId);
    return callers.map(() => project);
  });
  private readonly contexts = new Coalescer<Scope, unknown[]>((projectId, scopes) =>
    this.memories.recentInputs(projectId, scopes, CONTEXT_INPUTS),
  );

  constructor(
    private readonly memories: MemoriesRepository,
    private readonly events: EventsRepository,
    private readonly projects: ProjectsService,
    private readonly additive: AdditiveAddsService,
    private readonly lifecycle: LifecycleService,
    private readonly legacy: LegacyAddsService,
    private readonly contents: ContentService,
    private readonly categorization: CategorizationService,
    @Inject(LLM_PROVIDER) private readonly llm: LlmProvider,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
  ) {}

  async handleAdd({ projectId, eventId }: JobData<JobName.AddMemories>): Promise<JobStatus> {
    const event = await this.starts.submit(projectId, eventId);
    if (!event) {
      return JobStatus.Skipped;
    }
    const usage = emptyUsage();
    const request = await this.contents.resolve(projectId, eventId, event.payload as unknown as AddRequest, usage);
    if (!request) return JobStatus.Success;
    const project = await this.settings.submit(projectId, null);
    const planned = await this.plan(projectId, request, project, usage);
    if (request.pipeline === 'v1') {
      const results = await this.legacy.apply(projectId, eventId, request, planned, usage);
      await this.additive.settle(projectId, [{ eventId, request, results, usage }]);
      return JobStatus.Success;
    }
    const judgement = await this.lifecycle.judge(projectId, planned, usage);
    const categories = await this.categorise(request, project, planned);
    await this.additive.add(projectId, { eventId, request, planned, judgement, categories, usage });
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

  private async context(projectId: string, scope: Scope): Promise<ChatMessage[]> {
    if (!scope.userId && !scope.runId) {
      return [];
    }
    const inputs = await this.contexts.submit(projectId, scope);
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
