/**
 * Child process: drives the API with autocannon for a fixed duration, cycling through pre-built
 * request bodies and/or paths (one per request, never the same twice in a row), and writes a summary.
 *
 *   node --import tsx bench/retrieval/load-http.ts <job.json> <result.json>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { summarize } from '../lib';

export interface HttpJob {
  url: string;
  path: string;
  key: string;
  bodies: string[];
  connections: number;
  duration: number;
  /** Stop after this many requests instead of after `duration`. */
  amount?: number;
  /** Default POST. */
  method?: 'GET' | 'POST';
  /** Cycled like `bodies` (a GET's query string); `path` when absent. */
  paths?: string[];
  /** Instead of `Authorization: Token <key>` and the JSON content type. */
  headers?: Record<string, string>;
  /** A 2xx body starting with this has no results (default `{"results":[]`; a bare `[]` always counts). */
  emptyPrefix?: string;
}

export interface LoadResult {
  latency_ms: { p50: number; p95: number; p99: number; count: number };
  mean_ms: number;
  per_second: number;
  completed: number;
  non_2xx: number;
  errors: number;
  timeouts: number;
  empty_results: number;
  status_codes: Record<string, number>;
  seconds: number;
  error_samples: string[];
}

async function main(): Promise<void> {
  const [jobFile, resultFile] = process.argv.slice(2);
  const job = JSON.parse(readFileSync(jobFile, 'utf8')) as HttpJob;
  const samples: number[] = [];
  const statusCodes: Record<string, number> = {};
  const errorSamples: string[] = [];
  let next = 0;
  let empty = 0;
  const started = process.hrtime.bigint();
  const instance = autocannon({
    url: job.url,
    connections: job.connections,
    duration: job.duration,
    ...(job.amount ? { amount: job.amount } : {}),
    timeout: 30,
    requests: [
      {
        method: job.method ?? 'POST',
        path: job.path,
        headers: job.headers ?? { authorization: `Token ${job.key}`, 'content-type': 'application/json' },
        setupRequest: (request: Record<string, unknown>) => {
          const index = next++;
          return {
            ...request,
            ...(job.bodies.length ? { body: job.bodies[index % job.bodies.length] } : {}),
            ...(job.paths?.length ? { path: job.paths[index % job.paths.length] } : {}),
          };
        },
        onResponse: (status: number, body: string) => {
          statusCodes[status] = (statusCodes[status] ?? 0) + 1;
          if (status < 200 || status >= 300) {
            if (errorSamples.length < 5) errorSamples.push(`${status} ${body.slice(0, 300)}`);
          } else if (body.startsWith(job.emptyPrefix ?? '{"results":[]') || body === '[]') {
            empty++;
          }
        },
      },
    ],
  });
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (statusCode >= 200 && statusCode < 300) samples.push(responseTime);
  });
  const result = await instance;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const latency = summarize(samples);
  const round = (value: number) => Number(value.toFixed(2));
  const summary: LoadResult = {
    latency_ms: { p50: round(latency.p50), p95: round(latency.p95), p99: round(latency.p99), count: latency.count },
    mean_ms: round(samples.reduce((sum, value) => sum + value, 0) / Math.max(1, samples.length)),
    per_second: round(samples.length / (result.duration || job.duration)),
    completed: samples.length,
    non_2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    empty_results: empty,
    status_codes: statusCodes,
    seconds: round(seconds),
    error_samples: errorSamples,
  };
  writeFileSync(resultFile, JSON.stringify(summary));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
