import { Inject, Injectable } from '@nestjs/common';
import { LLM_PROVIDER, LlmProvider } from '@app/ai';
import { formatTimestamp } from '@app/core';
import { FilterNode } from '@app/filters';
import { ProjectsService } from '@app/tenancy';
import { RetrievalRepository } from './retrieval.repository';

/** Memories summarised per call when the project sets no `summary_batch_size`. */
const DEFAULT_BATCH = 100;

/** `POST /v1/summary/`: one summary of the memories a filter matches, made on the spot. */
@Injectable()
export class SummaryService {
  constructor(
    private readonly retrieval: RetrievalRepository,
    private readonly projects: ProjectsService,
    @Inject(LLM_PROVIDER) private readonly llm: LlmProvider,
  ) {}

  async summarize(projectId: string, filter: FilterNode, filters: unknown) {
    const settings = await this.projects.settings(projectId);
    const limit = settings.summaryBatchSize > 0 ? settings.summaryBatchSize : DEFAULT_BATCH;
    const { rows, count } = await this.retrieval.page(projectId, { filter }, 0, limit);
    const summary = await this.llm.summarize({
      memories: rows.map((row) => row.memory),
      instructions: settings.summaryCustomInstructions,
      maxTokens: settings.summaryMaxTokens,
    });
    return [{ summary, memory_count: count, filters, created_at: formatTimestamp(new Date()) }];
  }
}
