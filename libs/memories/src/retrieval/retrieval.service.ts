import { Inject, Injectable, Logger } from '@nestjs/common';
import { Embedder, EMBEDDER, LLM_PROVIDER, LlmProvider, STOP_WORDS, tokenize } from '@app/ai';
import { Memory, MetricsService } from '@app/core';
import { extractDateSpan } from '../annotation/dates';
import { queryEntityKeys } from '../annotation/entities';
import { mapMemory, MemoryResponse } from '../memory/memory.mapper';
import { AnnotationsRepository } from '../annotation/annotations.repository';
import { RetrievalRepository, RetrievalScope, ScoredRow, SearchPlan } from './retrieval.repository';
import {
  contextScore,
  decayFactor,
  entityBoost,
  entityWeights,
  normaliseBm25,
  temporalMatch,
  WEIGHTS,
} from './hybrid-scoring';

/** Each memory also scores part of the best score of what was said right before or after it. */
function withNeighbours(hits: Scored[]): Scored[] {
  const scores = new Map(hits.map((hit) => [hit.row.id, hit.score]));
  return hits.map((hit) => {
    const near = Math.max(scores.get(hit.row.prev ?? '') ?? 0, scores.get(hit.row.next ?? '') ?? 0);
    return { ...hit, score: contextScore(hit.score, near), breakdown: { ...hit.breakdown, context: near } };
  });
}

/**
 * Candidates relevant by their meaning or their words; a turn kept only for its context passes with the
 * neighbour that brought it. The fused score, which entities, time and context raise, only orders.
 */
function aboveThreshold(hits: Scored[], threshold: number): Scored[] {
  const relevant = new Set(
    hits.filter((hit) => Math.max(hit.breakdown.semantic, hit.breakdown.bm25) >= threshold).map((hit) => hit.row.id),
  );
  return hits.filter(
    (hit) =>
      relevant.has(hit.row.id) ||
      (hit.breakdown.context !== undefined && (relevant.has(hit.row.prev ?? '') || relevant.has(hit.row.next ?? ''))),
  );
}

/** Content words of a query: what its BM25 score is normalised by. */
const queryTermCount = (query: string) => new Set(tokenize(query).filter((word) => !STOP_WORDS.has(word))).size;

/** Candidates each channel brings at least: room for fusion, reranking and decay to reorder. */
const MIN_POOL = 50;
const MAX_POOL = 1000;

/** How many candidates each channel brings for a search of `topK` results. */
export const candidatePool = (topK: number) => Math.min(MAX_POOL, Math.max(topK * 3, MIN_POOL));

export interface SearchOptions {
  query: string;
  topK: number;
  /**
   * Minimum relevance of a candidate, checked before fusion (0 or null keeps everything): its semantic
   * similarity or its keyword score must reach it, or a neighbour's must (hybrid search).
   */
  threshold: number | null;
  rerank: boolean;
  /**
   * Fuse the keyword channel (BM25 candidates of their own), entity links and the query's time with the
   * semantic score; otherwise the score is the semantic similarity alone.
   */
  hybrid: boolean;
  /** Rank by the keyword channel alone (BM25): only memories sharing a word with the query. */
  keywordOnly?: boolean;
  /** "Now" for the query's relative dates ("last week"); defaults to the request time. */
  referenceDate?: Date;
  /** Re-rank by retrieval history when the project has decay on (v3 searches only). */
  decay?: boolean;
}

export interface SearchHit {
  memory: MemoryResponse;
  score: number;
  breakdown: {
    semantic: number;
    bm25: number;
    entity?: number;
    temporal?: number;
    context?: number;
    rerank?: number;
  };
}

/** A candidate while it is scored: the row, mapped to the response shape only if returned. */
interface Scored {
  row: ScoredRow;
  score: number;
  breakdown: SearchHit['breakdown'];
}

const clamp = (value: number) => Math.min(1, Math.max(0, value));

/** List and search over a project's memories. */
@Injectable()
export class RetrievalService {
  private readonly logger = new Logger(RetrievalService.name);

  constructor(
    private readonly retrieval: RetrievalRepository,
    private readonly annotations: AnnotationsRepository,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
    @Inject(LLM_PROVIDER) private readonly llm: LlmProvider,
    private readonly metrics: MetricsService,
  ) {}

  /** One page, newest first, with the total count. */
  async list(projectId: string, scope: RetrievalScope, page: { offset: number; limit: number }) {
    const { rows, count } = await this.retrieval.page(projectId, scope, page.offset, page.limit);
    return { count, rows };
  }

  /** Rows of one page with the input each memory was first added from. */
  async withInputs(projectId: string, rows: Memory[]) {
    const inputs = await this.retrieval.addInputs(
      projectId,
      rows.map((row) => row.id),
    );
    return rows.map((row) => ({ row, input: inputs.get(row.id) ?? [] }));
  }

  /**
   * Embeds the query, gathers candidates from the vector and keyword channels (and the turns around
   * them), fuses semantic similarity, BM25, entity links, the query's time and the neighbours' scores
   * into one score in [0, 1], applies the threshold, reranks if asked, then scales by decay when the
   * project has it on.
   */
  async search(
    projectId: string,
    scope: RetrievalScope,
    options: SearchOptions,
  ): Promise<{ plan: SearchPlan; hits: SearchHit[] }> {
    const [vector] = await this.embedder.embed([options.query]);
    const pool = candidatePool(options.topK);
    const { plan, rows, scopeSize, mentions, decay } = await this.retrieval.candidates(projectId, scope, {
      embedder: this.embedder.id,
      vector,
      text: options.hybrid ? options.query : '',
      pool,
      entityKeys: options.hybrid ? queryEntityKeys(options.query) : [],
      contextSeeds: options.topK,
    });
    this.metrics.searchPlans.inc({ plan });
    const now = options.referenceDate ?? new Date();
    const when = options.hybrid ? extractDateSpan(options.query, now) : null;
    const terms = options.hybrid ? queryTermCount(options.query) : 0;
    const weights = entityWeights(mentions, scopeSize);
    const active =
      WEIGHTS.semantic +
      (terms > 0 ? WEIGHTS.keyword : 0) +
      (weights.size > 0 ? WEIGHTS.entity : 0) +
      (when ? WEIGHTS.temporal : 0);
    let hits: Scored[] = rows.map((row) => {
      const semantic = clamp(Number(row.similarity));
      const bm25 = normaliseBm25(Number(row.keyword), terms);
      const entity = entityBoost(row.entityKeys, weights, scopeSize);
      const event = row.eventStart && row.eventEnd ? { start: row.eventStart, end: row.eventEnd } : null;
      const temporal = when ? temporalMatch(when, event, row.createdAt) : 0;
      const fused =
        WEIGHTS.semantic * semantic + WEIGHTS.keyword * bm25 + WEIGHTS.entity * entity + WEIGHTS.temporal * temporal;
      const breakdown: SearchHit['breakdown'] = { semantic, bm25 };
      if (options.hybrid) Object.assign(breakdown, { entity, temporal });
      return { row, score: options.keywordOnly ? bm25 : clamp(fused / active), breakdown };
    });
    if (options.keywordOnly) {
      hits = hits.filter((hit) => hit.breakdown.bm25 > 0);
    } else if (options.hybrid) {
      hits = withNeighbours(hits);
    }
    hits.sort((a, b) => b.score - a.score);
    if (options.threshold) {
      hits = aboveThreshold(hits, options.threshold);
    }
    if (options.rerank && hits.length > 1) {
      hits = await this.rerank(options.query, hits);
    }
    if (options.decay && decay) {
      hits = this.applyDecay(projectId, hits, options.topK);
    }
    // Only what is returned is mapped to the response shape.
    const top = hits.slice(0, options.topK);
    return { plan, hits: top.map(({ row, score, breakdown }) => ({ memory: mapMemory(row), score, breakdown })) };
  }

  /**
   * Orders by score x decay factor (the public score stays clamped to [0, 1]) and records the returned
   * memories' retrieval off the request path.
   */
  private applyDecay(projectId: string, hits: Scored[], topK: number): Scored[] {
    const now = new Date();
    const ranked = hits
      .map((hit) => {
        const fallback = hit.row.eventStart ?? hit.row.updatedAt;
        return { hit, rank: hit.score * decayFactor(hit.row.touches, fallback, now) };
      })
      .sort((a, b) => b.rank - a.rank)
      .map(({ hit, rank }) => ({ ...hit, score: clamp(rank) }));
    const returned = ranked.slice(0, topK).map((hit) => hit.row.id);
    this.annotations.touch(projectId, returned).catch((error: unknown) => {
      this.logger.warn(`decay: recording retrievals failed: ${error instanceof Error ? error.message : String(error)}`);
    });
    return ranked;
  }

  /** The LLM's relevance becomes the score; without a reranker (offline) the order stays. */
  private async rerank(query: string, hits: Scored[]): Promise<Scored[]> {
    const relevance = await this.llm.rerank({
      query,
      documents: hits.map((hit) => ({ id: hit.row.id, text: hit.row.memory })),
    });
    if (!relevance) {
      return hits;
    }
    return hits
      .map((hit) => {
        const score = clamp(relevance.get(hit.row.id) ?? 0);
        return { ...hit, score, breakdown: { ...hit.breakdown, rerank: score } };
      })
      .sort((a, b) => b.score - a.score);
  }
}
