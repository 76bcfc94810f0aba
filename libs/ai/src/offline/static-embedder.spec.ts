import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultTablePath, encodeTable, TABLE_RECIPE } from './embedder-table';
import { dot } from './hash-embedder';
import { createOfflineEmbedder } from './offline-embedders';
import { StaticEmbedder } from './static-embedder';

// npm test builds the real table first (scripts/lib/prepare.sh).
const table = defaultTablePath(join(__dirname, '..', '..', '..', '..'));
const length = (v: number[]) => Math.sqrt(dot(v, v));

function tinyTable(recipe = JSON.stringify(TABLE_RECIPE)): string {
  const dims = TABLE_RECIPE.dimensions;
  const rows = new Int8Array(2 * dims);
  rows[0] = 127;
  rows[dims + 1] = -64;
  const file = join(mkdtempSync(join(tmpdir(), 'emb-')), 'tiny.bin');
  writeFileSync(
    file,
    encodeTable({ recipe, dimensions: dims, words: ['coffee', 'tea'], scales: Float32Array.of(0.5, 2), rows }),
  );
  return file;
}

describe('StaticEmbedder', () => {
  it('sums the rows of known words and normalises; unknown words add nothing', async () => {
    const embedder = new StaticEmbedder(tinyTable());
    const [coffee, both, none] = await embedder.embed(['Coffee!', 'coffee and TEA, zzqx', 'zzqx']);
    expect(coffee[0]).toBeCloseTo(1);
    expect(both[0]).toBeCloseTo(63.5 / Math.hypot(63.5, 128));
    expect(both[1]).toBeCloseTo(-128 / Math.hypot(63.5, 128));
    expect(none.every((v) => v === 0)).toBe(true);
  });

  it('names the build command when the table is missing, and refuses a table of another recipe', () => {
    expect(() => new StaticEmbedder('/nonexistent/table.bin').load()).toThrow(/scripts\/build-embedder-table\.ts/);
    expect(() => new StaticEmbedder(tinyTable('{"old":true}')).load()).toThrow(/another recipe/);
  });
});

describe('static-hash, the default offline embedder', () => {
  const embedder = createOfflineEmbedder('static-hash', table);

  it('is stable, 640-dimensional and unit length, also for unknown words and punctuation', async () => {
    expect(embedder.id).toBe('static-use-v1-256+hash-v1-384');
    expect(embedder.dimensions).toBe(640);
    const texts = ['Loves hiking in the Alps on weekends', 'Qwzxv Plorb', '?!'];
    const [a, b] = [await embedder.embed(texts), await embedder.embed(texts)];
    expect(a).toEqual(b);
    for (const vector of a) {
      expect(vector).toHaveLength(640);
      expect(length(vector)).toBeCloseTo(1, 6);
    }
    expect(a[1].slice(0, 256).every((v) => v === 0)).toBe(true);
  });

  it('puts a paraphrase closer than an unrelated sentence', async () => {
    const [fact, paraphrase, unrelated] = await embedder.embed([
      'Has a golden retriever named Max',
      'What kind of dog does the user own?',
      'Works as a software engineer in Berlin',
    ]);
    expect(dot(fact, paraphrase)).toBeGreaterThan(dot(fact, unrelated) + 0.1);
  });

  it('matches synonyms the lexical hash alone cannot see', async () => {
    const [query, memory] = await embedder.embed(['Which beverages does she enjoy?', 'Likes green tea']);
    const [hashQuery, hashMemory] = await createOfflineEmbedder('hash', table).embed([
      'Which beverages does she enjoy?',
      'Likes green tea',
    ]);
    expect(dot(query, memory)).toBeGreaterThan(dot(hashQuery, hashMemory));
  });
});
