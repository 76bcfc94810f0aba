import type { Embedder } from '../ai.types';
import { ConcatEmbedder } from './concat-embedder';
import { dot } from './hash-embedder';

const fixed = (id: string, vectors: Record<string, number[]>): Embedder => ({
  id,
  dimensions: Object.values(vectors)[0].length,
  embed: (texts) => Promise.resolve(texts.map((text) => vectors[text])),
});

describe('ConcatEmbedder', () => {
  const semantic = fixed('sem', { a: [1, 0], b: [0, 1], unknown: [0, 0] });
  const lexical = fixed('lex', { a: [1, 0, 0], b: [1, 0, 0], unknown: [0, 0, 1] });
  const embedder = new ConcatEmbedder([
    { embedder: semantic, weight: 0.8 },
    { embedder: lexical, weight: 0.6 },
  ]);

  it('joins ids and dimensions', () => {
    expect(embedder.id).toBe('sem+lex');
    expect(embedder.dimensions).toBe(5);
  });

  it("gives the weighted mean of the parts' cosines, and a unit vector when one part is zero", async () => {
    const [a, b, unknown] = await embedder.embed(['a', 'b', 'unknown']);
    expect(dot(a, a)).toBeCloseTo(1);
    expect(dot(a, b)).toBeCloseTo(0.36);
    expect(unknown).toEqual([0, 0, 0, 0, 1]);
  });
});
