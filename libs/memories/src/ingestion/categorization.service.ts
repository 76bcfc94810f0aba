import { Inject, Injectable } from '@nestjs/common';
import { Category, LLM_PROVIDER, LlmProvider } from '@app/ai';
import { JobData, JobName, JobStatus } from '@app/queue';
import { ProjectsService } from '@app/tenancy';
import { Project } from '@app/core';
import { activeCatalog } from './catalog';
import { AddRequest } from '../memory/memory.types';
import { ProfilesService } from '../profiles/profiles.service';
import { EventsRepository } from '../events/events.repository';
import { MemoriesRepository } from '../memory/memories.repository';

/** Assigns categories to new or changed memories and fires `memory_categorize`. */
@Injectable()
export class CategorizationService {
  constructor(
    private readonly memories: MemoriesRepository,
    private readonly events: EventsRepository,
    private readonly projects: ProjectsService,
    private readonly profiles: ProfilesService,
    @Inject(LLM_PROVIDER) private readonly llm: LlmProvider,
  ) {}

  async handleCategorize({ projectId, memoryIds, eventId }: JobData<JobName.CategorizeMemories>): Promise<JobStatus> {
    const rows = await this.memories.findByIds(projectId, memoryIds);
    // Every change of memories passes here after it committed: the point where profiles fall due.
    await this.profiles.refreshAfterChange(
      projectId,
      rows.map((row) => row.userId),
    );
    const pending = rows.filter((row) => !row.categories?.length);
    if (pending.length === 0) {
      return JobStatus.Skipped;
    }
    const event = eventId ? await this.events.find(projectId, eventId) : null;
    const perCall = (event?.payload as unknown as AddRequest | null)?.customCategories;
    const project = await this.projects.settings(projectId);
    const found = await this.categorise(
      pending.map((row) => row.memory),
      perCall,
      project,
    );
    const assignments = pending
      .map((row, index) => ({ id: row.id, categories: found[index] }))
      .filter((assignment) => assignment.categories.length > 0);
    await this.memories.setCategories(projectId, assignments, eventId);
    return JobStatus.Success;
  }

  /**
   * Writes store their memories categorised when the categoriser runs in process (no job of their own);
   * v1 adds and a remote categoriser leave it to the job, after the write committed.
   */
  inline(pipeline?: AddRequest['pipeline']): boolean {
    return pipeline !== 'v1' && this.llm.local;
  }

  /** Each text's categories from the active catalog (the call's, else the project's, else the default). */
  async categorise(texts: string[], perCall: Category[] | null | undefined, project: Project): Promise<string[][]> {
    const catalog = activeCatalog(perCall, project.customCategories);
    const found: string[][] = [];
    for (const text of texts) {
      found.push(await this.llm.categorize({ text, categories: catalog }));
    }
    return found;
  }
}
