/**
 * Worker thread of the seeder: turns a row range into the INSERT's parameters, each column one
 * Postgres array literal (text), so the main thread only ships strings to Postgres.
 */
import { createHash, randomUUID } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { HashEmbedder } from '../../libs/ai/src/offline/hash-embedder';
import { syntheticRow } from './data';
import { DIMENSIONS } from './sql';

export interface BatchRequest {
  from: number;
  to: number;
  now: number;
}

/** ids, memory, hash, user_id, agent_id, metadata, categories, created_at, embedding. */
export type BatchColumns = string[];

/** pgvector text literal; 6 decimals (float4 keeps ~7 significant digits, the values are < 1). */
export function vectorText(vector: number[]): string {
  let out = '[';
  for (let i = 0; i < vector.length; i++) {
    const value = Math.round(vector[i] * 1e6) / 1e6;
    out += (i ? ',' : '') + (value === 0 ? '0' : String(value));
  }
  return `${out}]`;
}

const element = (value: string | null) =>
  value === null ? 'NULL' : `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
const arrayLiteral = (values: (string | null)[]) => `{${values.map(element).join(',')}}`;

export function buildBatch(embedder: HashEmbedder, { from, to, now }: BatchRequest): BatchColumns {
  const cols: (string | null)[][] = Array.from({ length: 9 }, () => []);
  for (let i = from; i < to; i++) {
    const row = syntheticRow(i, now);
    cols[0].push(randomUUID());
    cols[1].push(row.text);
    cols[2].push(createHash('md5').update(row.text, 'utf8').digest('hex'));
    cols[3].push(row.userId);
    cols[4].push(row.agentId);
    cols[5].push(JSON.stringify(row.metadata));
    cols[6].push(`{${row.categories.join(',')}}`);
    cols[7].push(row.createdAt.toISOString());
    cols[8].push(vectorText(embedder.embedOne(row.text)));
  }
  return cols.map(arrayLiteral);
}

if (parentPort) {
  const port = parentPort;
  const embedder = new HashEmbedder(DIMENSIONS);
  port.on('message', (request: BatchRequest) => port.postMessage(buildBatch(embedder, request)));
}
