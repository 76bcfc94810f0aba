import { dot, HashEmbedder, stem, tokenize } from './hash-embedder';

const length = (vector: number[]): number => Math.sqrt(dot(vector, vector));

describe('HashEmbedder', () => {
  const embedder = new HashEmbedder();

  it('names itself after its dimensions', () => {
    expect(embedder.id).toBe('hash-v1-384');
    expect(embedder.dimensions).toBe(384);
    const wide = new HashEmbedder(768);
    expect(wide.id).toBe('hash-v1-768');
    expect(wide.embedOne('Loves hiking')).toHaveLength(768);
    expect(() => new HashEmbedder(0)).toThrow();
    expect(() => new HashEmbedder(12.5)).toThrow();
  });

  it('returns one unit-length vector per text, in order', async () => {
    const texts = ['Loves hiking on weekends', 'Is allergic to peanuts', 'Has two cats named Miso and Tofu'];
    const vectors = await embedder.embed(texts);
    expect(vectors).toHaveLength(3);
    for (const [i, vector] of vectors.entries()) {
      expect(vector).toHaveLength(384);
      expect(length(vector)).toBeCloseTo(1, 10);
      expect(vector).toEqual(embedder.embedOne(texts[i]));
    }
  });

  it('is deterministic across instances', () => {
    const text = 'Prefers dark mode in all apps';
    expect(new HashEmbedder().embedOne(text)).toEqual(new HashEmbedder().embedOne(text));
    expect(embedder.embedOne(text)).toEqual(embedder.embedOne(text));
  });

  it('never returns a zero vector, even for empty, punctuation-only or stop-word-only text', () => {
    for (const text of ['', '   ', '?!', '...', 'the and of', 'I am']) {
      const vector = embedder.embedOne(text);
      expect(vector.every(Number.isFinite)).toBe(true);
      expect(length(vector)).toBeCloseTo(1, 10);
    }
    expect(embedder.embedOne('?!')).not.toEqual(embedder.embedOne('...'));
  });

  it('ranks paraphrases above unrelated memories', () => {
    const cases: [string, string, string][] = [
      ['what pets does she have?', 'Has two cats named Miso and Tofu', 'Works as a nurse at the hospital'],
      ['does he like hiking?', 'Loves hiking on weekends', 'Is allergic to peanuts'],
      ['any food allergies?', 'Is allergic to peanuts', 'Plays the guitar in a band'],
      ['where does she live', 'Lives in Lisbon, Portugal', 'Prefers dark mode'],
      ['what is her job', 'Works as a nurse at the hospital', 'Has two cats named Miso and Tofu'],
    ];
    for (const [query, relevant, unrelated] of cases) {
      const q = embedder.embedOne(query);
      expect(dot(q, embedder.embedOne(relevant))).toBeGreaterThan(dot(q, embedder.embedOne(unrelated)));
    }
  });

  it('scores reworded statements close and unrelated ones far apart', () => {
    const sim = (a: string, b: string): number => dot(embedder.embedOne(a), embedder.embedOne(b));
    expect(sim('Lives in Paris', 'lives in paris.')).toBeGreaterThan(0.99);
    expect(sim('Loves hiking', 'Loved to hike')).toBeGreaterThan(0.5);
    expect(sim('Works at Google', 'Lives in Paris')).toBeLessThan(0.2);
  });

  it('embeds thousands of sentences per second', async () => {
    const texts = Array.from(
      { length: 3000 },
      (_, i) => `Memory number ${i}: enjoys cooking Italian food with friends`,
    );
    const started = performance.now();
    await embedder.embed(texts);
    expect(performance.now() - started).toBeLessThan(1500);
  });
});

describe('tokenize and stem', () => {
  it('lower-cases, strips accents, punctuation and contractions', () => {
    expect(tokenize("I don't like Café au lait, do you?")).toEqual([
      'i',
      'dont',
      'like',
      'cafe',
      'au',
      'lait',
      'do',
      'you',
    ]);
    expect(tokenize("Sara's dog")).toEqual(['sara', 'dog']);
  });

  it('maps inflections of one word to one stem', () => {
    expect(new Set(['hike', 'hiking', 'hikes', 'hiked'].map(stem)).size).toBe(1);
    expect(new Set(['lives', 'living', 'lived', 'live'].map(stem)).size).toBe(1);
    expect(new Set(['cats', 'cat'].map(stem)).size).toBe(1);
    expect(new Set(['allergies', 'allergy'].map(stem)).size).toBe(1);
    expect(new Set(['studies', 'studied', 'studying'].map(stem)).size).toBe(1);
    expect(stem('favourite')).toBe(stem('favorite'));
    expect(stem('1990')).toBe('1990');
  });
});
