import type { Embedder } from '../ai.types';
import { RecentVectors } from './recent-vectors';

describe('RecentVectors', () => {
  it('embeds each text it has not kept once, and answers every text in order', async () => {
    const calls: string[][] = [];
    const inner: Embedder = {
      id: 'fake-2',
      dimensions: 2,
      embed: async (texts) => {
        calls.push(texts);
        return texts.map((text) => [text.length, 1]);
      },
    };
    const embedder = new RecentVectors(inner, 2);
    expect(embedder.id).toBe('fake-2');
    expect(await embedder.embed(['a', 'bb', 'a'])).toEqual([
      [1, 1],
      [2, 1],
      [1, 1],
    ]);
    expect(await embedder.embed(['bb', 'ccc'])).toEqual([
      [2, 1],
      [3, 1],
    ]);
    // 'a' was the least recent of two kept vectors: embedding 'ccc' let it go.
    expect(await embedder.embed(['a'])).toEqual([[1, 1]]);
    expect(calls).toEqual([['a', 'bb'], ['ccc'], ['a']]);
  });
});
