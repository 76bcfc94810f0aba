import OpenAI from 'openai';
import type { CreateEmbeddingResponse } from 'openai/resources/embeddings';
import { Embedder } from '../ai.types';
import { describeOpenAiError, OpenAiConnection, openAiClient } from './openai-errors';

export interface OpenAiEmbedderOptions extends OpenAiConnection {
  model: string;
  /** The vector length stored in pgvector (OPENAI_EMBEDDING_DIMENSIONS). */
  dimensions: number;
  /** Inputs per request; default 256. */
  batchSize?: number;
}

/** Only the text-embedding-3 family can shorten its vectors; other models reject the `dimensions` parameter. */
export function supportsDimensions(model: string): boolean {
  return /(^|\/)text-embedding-3-/.test(model);
}

export class OpenAiEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  private readonly client: OpenAI;
  private readonly model: string;
  private readonly timeoutMs: number;
  private readonly batchSize: number;

  constructor(options: OpenAiEmbedderOptions) {
    if (!Number.isInteger(options.dimensions) || options.dimensions <= 0) {
      throw new Error(`OpenAI embedding dimensions must be a positive integer, got ${options.dimensions}`);
    }
    this.model = options.model;
    this.dimensions = options.dimensions;
    this.id = `openai:${options.model}:${options.dimensions}`;
    this.timeoutMs = options.timeoutMs;
    this.batchSize = Math.max(1, options.batchSize ?? 256);
    this.client = openAiClient(options);
  }

  async embed(texts: string[]): Promise<number[][]> {
    const vectors: number[][] = [];
    for (let start = 0; start < texts.length; start += this.batchSize) {
      vectors.push(...(await this.embedBatch(texts.slice(start, start + this.batchSize))));
    }
    return vectors;
  }

  private async embedBatch(input: string[]): Promise<number[][]> {
    let response: CreateEmbeddingResponse;
    try {
      response = await this.client.embeddings.create({
        model: this.model,
        input,
        // Explicit float: the SDK's default (base64) is not implemented by every compatible server.
        encoding_format: 'float',
        ...(supportsDimensions(this.model) ? { dimensions: this.dimensions } : {}),
      });
    } catch (error) {
      throw describeOpenAiError(`OpenAI embedding request (model ${this.model})`, error, this.timeoutMs);
    }
    const data = Array.isArray(response?.data) ? [...response.data] : [];
    if (data.length !== input.length) {
      throw new Error(
        `OpenAI embedding request (model ${this.model}) returned ${data.length} vectors for ${input.length} inputs`,
      );
    }
    data.sort((a, b) => a.index - b.index);
    return data.map((item) => this.normalise(item.embedding));
  }

  private normalise(embedding: unknown): number[] {
    if (!Array.isArray(embedding) || embedding.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
      throw new Error(`OpenAI embedding model ${this.model} returned a malformed vector`);
    }
    const vector = embedding as number[];
    if (vector.length !== this.dimensions) {
      throw new Error(
        `OpenAI embedding model ${this.model} returned vectors of length ${vector.length}, but ${this.dimensions} ` +
          `dimensions are configured; set OPENAI_EMBEDDING_DIMENSIONS=${vector.length} (or pick a model with that size)`,
      );
    }
    const norm = Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0));
    if (norm === 0) throw new Error(`OpenAI embedding model ${this.model} returned a zero vector`);
    return vector.map((x) => x / norm);
  }
}
