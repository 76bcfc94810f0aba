import { Inject, Injectable } from '@nestjs/common';
import { Embedder, EMBEDDER, LLM_PROVIDER, LlmProvider } from '@app/ai';
import { Memory } from '@app/core';
import { mapMemory, MemoryResponse } from '../memory.mapper';
import { RetrievalRepository, RetrievalScope, SearchPlan } from '../repositories/retrieval.repository';

/** Weight of the full-text rank added to the semantic score (v3 always; v1/v2 with keyword_search). */
const KEYWORD_WEIGHT = 0.15;
const MAX_CANDIDATES = 1000;

export interface SearchOptions {
  query: string;
  topK: number;
  /** Minimum score; 0 or null keeps everything. */
  threshold: number | null;
  rerank: boolean;
  keywordBoost: boolean;
}

export interface SearchHit {
  memory: MemoryResponse;
  score: number;
  breakdown: { semantic: number; bm25: number; rerank?: number };
}

const clamp = (value: number) => Math.min(1, Math.max(0, value));

/** List and search over a project's memories (contract 5.1-5.7). */
@Injectable()
export class RetrievalService {
  constructor(
    private readonly retrieval: RetrievalRepository,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
    @Inject(LLM_PROVIDER) private readonly llm: LlmProvider,
  ) {}

  /** One page, newest first, with the total count. */
  async list(projectId: string, scope: RetrievalScope, page: { offset: number; limit: number }) {
    const { rows, count } = await this.retrieval.page(projectId, scope, page.offset, page.limit);
    return { count, rows };
  }

  /** Rows of one page with the input each memory was first added from (contract 5.7). */
  async withInputs(projectId: string, rows: Memory[]) {
    const inputs = await this.retrieval.addInputs(
      projectId,
      rows.map((row) => row.id),
    );
    return rows.map((row) => ({ row, input: inputs.get(row.id) ?? [] }));
  }

  /**
   * Embeds the query, takes the nearest candidates (a wider pool than top_k, so keyword fusion and
   * reranking can reorder), scores them in [0, 1], applies the threshold, then reranks if asked.
   */
  async search(
    projectId: string,
    scope: RetrievalScope,
    options: SearchOptions,
  ): Promise<{ plan: SearchPlan; hits: SearchHit[] }> {
    const [vector] = await this.embedder.embed([options.query]);
    const pool = Math.min(MAX_CANDIDATES, Math.max(options.topK * 2, 20));
    const { plan, rows } = await this.retrieval.nearest(projectId, scope, {
      embedder: this.embedder.id,
      vector,
      text: options.query,
      limit: pool,
    });
    let hits: SearchHit[] = rows.map((row) => {
      const semantic = clamp(Number(row.similarity));
      const bm25 = clamp(Number(row.keyword));
      const score = clamp(semantic + (options.keywordBoost ? KEYWORD_WEIGHT * bm25 : 0));
      return { memory: mapMemory(row), score, breakdown: { semantic, bm25 } };
    });
    hits.sort((a, b) => b.score - a.score);
    if (options.threshold) {
      hits = hits.filter((hit) => hit.score >= options.threshold!);
    }
    if (options.rerank && hits.length > 1) {
      hits = await this.rerank(options.query, hits);
    }
    return { plan, hits: hits.slice(0, options.topK) };
  }

  /** The LLM's relevance becomes the score; without a reranker (offline) the order stays. */
  private async rerank(query: string, hits: SearchHit[]): Promise<SearchHit[]> {
    const relevance = await this.llm.rerank({
      query,
      documents: hits.map((hit) => ({ id: hit.memory.id, text: hit.memory.memory })),
    });
    if (!relevance) {
      return hits;
    }
    return hits
      .map((hit) => {
        const score = clamp(relevance.get(hit.memory.id) ?? 0);
        return { ...hit, score, breakdown: { ...hit.breakdown, rerank: score } };
      })
      .sort((a, b) => b.score - a.score);
  }
}
