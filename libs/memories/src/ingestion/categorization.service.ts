import { Inject, Injectable } from '@nestjs/common';
import { LLM_PROVIDER, LlmProvider } from '@app/ai';
import { JobData, JobName, JobStatus } from '@app/queue';
import { ProjectsService } from '@app/tenancy';
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
    const catalog = activeCatalog(perCall, project.customCategories);
    const assignments = [];
    for (const row of pending) {
      const categories = await this.llm.categorize({ text: row.memory, categories: catalog });
      if (categories.length > 0) {
        assignments.push({ id: row.id, categories });
      }
    }
    await this.memories.setCategories(projectId, assignments, eventId);
    return JobStatus.Success;
  }
}
