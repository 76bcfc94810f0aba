import type { Embedder } from '../ai.types';

export interface EmbedderPart {
  /** Its vectors are unit length, or zero when it has nothing to say about a text. */
  embedder: Embedder;
  weight: number;
}

/**
 * Concatenates weighted unit vectors of several embedders and normalises: the cosine of two results
 * is the weighted mean of the parts' cosines (weights 0.8 and 0.6 make a semantic and a lexical part
 * count 64% / 36%). A part that returns zero for a text leaves the others to decide its direction.
 */
export class ConcatEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;

  constructor(private readonly parts: EmbedderPart[]) {
    this.id = parts.map((part) => part.embedder.id).join('+');
    this.dimensions = parts.reduce((sum, part) => sum + part.embedder.dimensions, 0);
  }

  async embed(texts: string[]): Promise<number[][]> {
    const outputs = await Promise.all(this.parts.map((part) => part.embedder.embed(texts)));
    return texts.map((_, t) => {
      const vector = new Array<number>(this.dimensions);
      let offset = 0;
      let length = 0;
      this.parts.forEach((part, p) => {
        const values = outputs[p][t];
        for (let i = 0; i < values.length; i++) {
          const value = values[i] * part.weight;
          vector[offset + i] = value;
          length += value * value;
        }
        offset += part.embedder.dimensions;
      });
      length = Math.sqrt(length) || 1;
      for (let i = 0; i < vector.length; i++) vector[i] /= length;
      return vector;
    });
  }
}
