import { existsSync, readFileSync } from 'node:fs';
import type { Embedder } from '../ai.types';
import { decodeTable, TABLE_ID, TABLE_RECIPE, WordTable } from './embedder-table';
import { tokenize } from './hash-embedder';

const BUILD_COMMAND = 'npx tsx scripts/build-embedder-table.ts';

/**
 * Sums the distilled word vectors of a text's known words (scripts/build-embedder-table.ts) and
 * normalises. A text without a known word gets the zero vector: use it inside a ConcatEmbedder,
 * whose hash part always has a direction. The table is read once, on first use.
 */
export class StaticEmbedder implements Embedder {
  readonly id = TABLE_ID;
  readonly dimensions = TABLE_RECIPE.dimensions;
  private table?: { index: Map<string, number>; data: WordTable };

  constructor(private readonly file: string) {}

  /** Reads the table now (the first embed would otherwise), so a missing file fails at boot. */
  load(): this {
    if (this.table) return this;
    if (!existsSync(this.file)) {
      throw new Error(`embedder table ${this.file} is missing: build it with \`${BUILD_COMMAND}\` (npm start does)`);
    }
    const data = decodeTable(readFileSync(this.file));
    if (data.recipe !== JSON.stringify(TABLE_RECIPE)) {
      throw new Error(`embedder table ${this.file} is from another recipe: rebuild it with \`${BUILD_COMMAND}\``);
    }
    this.table = { index: new Map(data.words.map((word, i) => [word, i])), data };
    return this;
  }

  async embed(texts: string[]): Promise<number[][]> {
    return texts.map((text) => this.embedOne(text));
  }

  embedOne(text: string): number[] {
    const { index, data } = this.load().table!;
    const { rows, scales } = data;
    const dims = this.dimensions;
    const sum = new Float64Array(dims);
    for (const word of tokenize(text)) {
      const row = index.get(word);
      if (row === undefined) continue;
      const scale = scales[row];
      const offset = row * dims;
      for (let i = 0; i < dims; i++) sum[i] += rows[offset + i] * scale;
    }
    let length = 0;
    for (let i = 0; i < dims; i++) length += sum[i] * sum[i];
    length = Math.sqrt(length) || 1;
    return Array.from(sum, (value) => value / length);
  }
}
