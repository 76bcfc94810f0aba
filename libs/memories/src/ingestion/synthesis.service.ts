import { Inject, Injectable, Logger } from '@nestjs/common';
import { Embedder, EMBEDDER, LLM_PROVIDER, LlmProvider, SynthesizedPattern } from '@app/ai';
import { AppConfig } from '@app/core';
import { JobData, JobName, JobStatus, QueueService } from '@app/queue';
import { annotate } from '../annotation/annotate';
import { embeddingText } from '../annotation/entities';
import { deterministicUuid } from '../memory/ids';
import { memoryHash } from '../memory/memory.mapper';
import { Scope } from '../memory/memory.types';
import { LifecycleRepository } from '../memory/lifecycle.repository';
import { MemoriesRepository } from '../memory/memories.repository';
import { MemoryInsertsRepository } from './memory-inserts.repository';
import { NewMemory } from '../memory/memory-rows';
import { SourceMemory, StoredPattern, SynthesisRepository } from './synthesis.repository';

/** Memories of one user a run reads at most (the newest). */
const MAX_SOURCES = 500;

const schedulerId = (projectId: string) => `synthesis:${projectId}`;

/**
 * Dream synthesis: a repeatable job per opted-in project distils each eligible user's memories into
 * pattern memories (`synthesized`), added beside them. A pattern's ADD history entry lists its sources;
 * its id derives from them, so the same evidence never makes a second pattern, and a pattern whose
 * sources a new one covers is superseded by it.
 */
@Injectable()
export class SynthesisService {
  private readonly logger = new Logger(SynthesisService.name);

  constructor(
    private readonly synthesis: SynthesisRepository,
    private readonly memories: MemoriesRepository,
    private readonly inserts: MemoryInsertsRepository,
    private readonly lifecycle: LifecycleRepository,
    private readonly queue: QueueService,
    private readonly config: AppConfig,
    @Inject(LLM_PROVIDER) private readonly llm: LlmProvider,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
  ) {}

  /** Starts or stops the project's schedule, after its setting changed. */
  async sync(projectId: string): Promise<void> {
    if (await this.synthesis.enabledSince(projectId)) {
      const every = this.config.env.SYNTHESIS_INTERVAL_HOURS * 3_600_000;
      await this.queue.schedule(
        { name: JobName.SynthesizeMemories, data: { projectId } },
        schedulerId(projectId),
        every,
      );
    } else {
      await this.queue.unschedule(JobName.SynthesizeMemories, schedulerId(projectId));
    }
  }

  /** At worker start: every opted-in project has its schedule (Redis may have lost it). */
  async scheduleAll(): Promise<void> {
    for (const projectId of await this.synthesis.enabledProjects()) {
      await this.sync(projectId);
    }
  }

  async handleSynthesize({ projectId }: JobData<JobName.SynthesizeMemories>): Promise<JobStatus> {
    const since = await this.synthesis.enabledSince(projectId);
    if (!since) {
      await this.queue.unschedule(JobName.SynthesizeMemories, schedulerId(projectId));
      return JobStatus.Skipped;
    }
    const users = await this.synthesis.eligibleUsers(projectId, since, this.config.env.SYNTHESIS_MIN_MEMORIES);
    let written = 0;
    for (const userId of users) {
      written += await this.synthesizeUser(projectId, userId, since);
    }
    this.logger.log({ projectId, users: users.length, patterns: written }, 'synthesis run');
    return JobStatus.Success;
  }

  /** The patterns written for one user (0 when the evidence is what earlier patterns already rest on). */
  private async synthesizeUser(projectId: string, userId: string, since: Date): Promise<number> {
    const sources = await this.synthesis.sources(projectId, userId, since, MAX_SOURCES);
    const found = await this.llm.synthesize({
      memories: sources.map((row) => ({ id: row.id, text: row.memory, categories: row.categories })),
    });
    const known = await this.synthesis.patterns(projectId, userId);
    const fresh = found.filter((pattern) => !known.some((stored) => sameSet(stored.sourceIds, pattern.sourceIds)));
    if (fresh.length === 0) {
      return 0;
    }
    const scope: Scope = { userId, agentId: null, appId: null, runId: null };
    const vectors = await this.embedder.embed(fresh.map((pattern) => embeddingText(pattern.text)));
    const items = fresh.map((pattern, index) => this.toMemory(projectId, scope, pattern, vectors[index], sources));
    const context = { embedder: this.embedder.id, input: null, eventId: null };
    const rows = await this.memories.inScopes(projectId, [scope], async (tx) => {
      const inserted = await this.inserts.insertIn(tx, projectId, items, context);
      await this.synthesis.markSynthesized(
        tx,
        projectId,
        inserted.map((row) => row.id),
      );
      const replaced = inserted.flatMap((row) =>
        covered(known, fresh[items.findIndex((item) => item.id === row.id)], row.id),
      );
      await this.lifecycle.retireIn(tx, projectId, replaced, context);
      return inserted;
    });
    if (rows.length > 0) {
      await this.queue.add({
        name: JobName.CategorizeMemories,
        data: { projectId, memoryIds: rows.map((row) => row.id) },
      });
    }
    return rows.length;
  }

  private toMemory(
    projectId: string,
    scope: Scope,
    pattern: SynthesizedPattern,
    vector: number[],
    sources: SourceMemory[],
  ): NewMemory {
    const evidence = [...pattern.sourceIds].sort();
    const createdAt = new Date();
    const byId = new Map(sources.map((row) => [row.id, row]));
    return {
      id: deterministicUuid(projectId, 'synthesis', scope.userId ?? '', ...evidence),
      memory: pattern.text,
      hash: memoryHash(pattern.text),
      scope,
      metadata: null,
      immutable: false,
      expirationDate: null,
      createdAt,
      sourceEventId: null,
      embedding: vector,
      annotation: annotate(pattern.text, createdAt),
      // The evidence, kept with the pattern's ADD history entry.
      input: pattern.sourceIds.map((id) => ({ role: 'user', content: byId.get(id)?.memory ?? '', memory_id: id })),
    };
  }
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}

/** Earlier patterns whose every source the new one also rests on: it replaces them. */
function covered(known: StoredPattern[], pattern: SynthesizedPattern, id: string) {
  return known
    .filter(
      (stored) => stored.sourceIds.length > 0 && stored.sourceIds.every((source) => pattern.sourceIds.includes(source)),
    )
    .map((stored) => ({ id: stored.id, state: 'superseded' as const, replacedBy: id }));
}
