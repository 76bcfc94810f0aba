/**
 * Soak under faults: mixed adds, searches and deletes against the built server, run by npm start's
 * launcher, for --minutes, while faults are injected on a Postgres cluster and a redis-server of its
 * own: Postgres stopped, Redis stopped (and restarted empty: every queued job is lost), the API process
 * killed. Prints requests by status, accepted adds not stored in the end (must be 0), latency outside
 * the fault windows and the processes' RSS over time; writes bench/results/soak-<time>.json.
 *
 *   npm run build && npm run bench:soak -- [--minutes 10] [--concurrency 4] [--outage 20]
 */
import { Client } from 'pg';
import { freePort, startPrivatePostgres, startPrivateRedis } from '../scripts/lib/private-services';
import { childPid } from '../scripts/lib/processes';
import { numberOption, rssMiB, startServer, summarize, writeResult } from './lib';

const MINUTES = numberOption('minutes', 10);
const CONCURRENCY = numberOption('concurrency', 4);
const OUTAGE_MS = numberOption('outage', 20) * 1000;
/** Requests this soon after a dependency or the API is back still count as inside its fault window. */
const RECOVERY_MS = 5000;
const DRAIN_MS = 180_000;
/** A client pauses this long after a 503 or a refused connection, as a retrying client would. */
const RETRY_PAUSE_MS = 100;
const USERS = 40;
const KEY = 'm0-bench-soak-key-000000000000000000000000';
const TOPICS = ['hiking', 'jazz', 'sushi', 'chess', 'sailing', 'pottery', 'cycling', 'opera', 'tea', 'climbing'];

type Op = 'add' | 'search' | 'delete';
interface Sample {
  op: Op;
  at: number;
  ms: number;
  status: number | 'network';
}
interface Window {
  fault: 'postgres' | 'redis' | 'api';
  start: number;
  end: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const [pg, redis, port] = await Promise.all([startPrivatePostgres('mem0_soak'), startPrivateRedis(), freePort()]);
  const server = await startServer(
    {
      DATABASE_URL: pg.url(),
      REDIS_URL: redis.url,
      REDIS_PREFIX: 'soak',
      PORT: String(port),
      BOOTSTRAP_API_KEY: KEY,
      OPENAI_API_KEY: '',
      NODE_ENV: 'production',
      LOG_LEVEL: 'error',
      RATE_LIMIT_ENABLED: 'false',
      DATABASE_CONNECT_TIMEOUT_MS: '1000',
      JOB_BACKOFF_MAX_MS: '5000',
      JOB_SWEEP_INTERVAL_MS: '2000',
      JOB_SWEEP_AFTER_MS: '10000',
      RESTART_BACKOFF_MS: '500',
    },
    { supervised: true },
  );
  const launcher = server.pids[0];
  const started = Date.now();
  const deadline = started + MINUTES * 60_000;
  const samples: Sample[] = [];
  const windows: Window[] = [];
  const accepted: string[] = [];
  const deletable: string[] = [];
  const rss: { s: number; api: number; worker: number }[] = [];
  let counter = 0;

  async function call(op: Op, method: string, path: string, body?: unknown): Promise<unknown> {
    const at = Date.now();
    try {
      const response = await fetch(`${server.baseUrl}${path}`, {
        method,
        headers: { Authorization: `Token ${KEY}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      samples.push({ op, at, ms: Date.now() - at, status: response.status });
      if (response.status === 503) {
        await sleep(RETRY_PAUSE_MS);
      }
      return response.ok ? await response.json() : undefined;
    } catch {
      samples.push({ op, at, ms: Date.now() - at, status: 'network' });
      await sleep(RETRY_PAUSE_MS);
      return undefined;
    }
  }

  async function client(): Promise<void> {
    while (Date.now() < deadline) {
      const n = counter++;
      const user = `soak-${n % USERS}`;
      const topic = TOPICS[n % TOPICS.length];
      const pick = Math.random();
      if (pick < 0.5) {
        const content = `I love ${topic}, especially session ${n} with friend ${n % 97}`;
        const answer = (await call('add', 'POST', '/v3/memories/add/', { messages: content, user_id: user })) as
          { event_id?: string; status?: string } | undefined;
        if (answer?.status === 'PENDING' && answer.event_id) {
          accepted.push(answer.event_id);
        }
      } else if (pick < 0.85 || deletable.length === 0) {
        const answer = (await call('search', 'POST', '/v3/memories/search/', {
          query: topic,
          filters: { user_id: user },
          top_k: 5,
        })) as { results?: { id: string }[] } | undefined;
        deletable.push(...(answer?.results ?? []).slice(0, 1).map((hit) => hit.id));
      } else {
        await call(
          'delete',
          'DELETE',
          `/v1/memories/${deletable.splice(Math.floor(Math.random() * deletable.length), 1)[0]}/`,
        );
      }
    }
  }

  async function ready(): Promise<void> {
    for (;;) {
      const ok = await fetch(`${server.baseUrl}/readyz`, { signal: AbortSignal.timeout(2000) }).then(
        (response) => response.ok,
        () => false,
      );
      if (ok) {
        return;
      }
      await sleep(200);
    }
  }

  async function inject(fault: Window['fault']): Promise<void> {
    const start = Date.now();
    if (fault === 'postgres') {
      await pg.stop('fast');
      await sleep(OUTAGE_MS);
      await pg.start();
    } else if (fault === 'redis') {
      await redis.stop();
      await sleep(OUTAGE_MS);
      await redis.start();
    } else {
      const api = childPid(launcher, 'apps/api');
      if (api) {
        process.kill(api, 'SIGKILL');
      }
    }
    await ready();
    windows.push({ fault, start, end: Date.now() + RECOVERY_MS });
    console.log(`${fault} fault: ${Math.round((Date.now() - start) / 100) / 10} s until ready again`);
  }

  async function faults(): Promise<void> {
    const cycles = Math.max(1, Math.round(MINUTES / 2.5));
    const plan = Array.from({ length: cycles }, () => ['postgres', 'redis', 'api'] as const).flat();
    const spacing = (deadline - started) / (plan.length + 1);
    for (const [index, fault] of plan.entries()) {
      await sleep(started + spacing * (index + 1) - Date.now());
      await inject(fault);
    }
  }

  const sampler = setInterval(() => {
    const api = childPid(launcher, 'apps/api');
    const worker = childPid(launcher, 'apps/worker');
    rss.push({
      s: Math.round((Date.now() - started) / 1000),
      api: api ? rssMiB(api) : 0,
      worker: worker ? rssMiB(worker) : 0,
    });
  }, 10_000);
  await Promise.all([faults(), ...Array.from({ length: CONCURRENCY }, client)]);
  clearInterval(sampler);

  // Every add that was answered PENDING must end SUCCEEDED, whatever happened meanwhile.
  const db = new Client({ connectionString: pg.url() });
  await db.connect();
  const drainStarted = Date.now();
  let open = Infinity;
  while (open > 0 && Date.now() - drainStarted < DRAIN_MS) {
    const { rows } = await db.query<{ open: number }>(
      "SELECT count(*)::int AS open FROM events WHERE status IN ('PENDING', 'RUNNING')",
    );
    open = rows[0].open;
    if (open > 0) {
      await sleep(1000);
    }
  }
  const { rows } = await db.query<{ id: string; status: string }>(
    'SELECT id, status FROM events WHERE id = ANY($1::uuid[])',
    [accepted],
  );
  await db.end();
  const status = new Map(rows.map((row) => [row.id, row.status]));
  const lost = accepted.filter((id) => status.get(id) !== 'SUCCEEDED');

  const byStatus: Record<string, Record<string, number>> = {};
  for (const sample of samples) {
    byStatus[sample.op] ??= {};
    byStatus[sample.op][sample.status] = (byStatus[sample.op][sample.status] ?? 0) + 1;
  }
  const outside = samples.filter(
    (sample) => !windows.some((window) => sample.at + sample.ms >= window.start && sample.at <= window.end),
  );
  const latency = Object.fromEntries(
    (['add', 'search', 'delete'] as const).map((op) => [
      op,
      summarize(outside.filter((sample) => sample.op === op && sample.status !== 'network').map((sample) => sample.ms)),
    ]),
  );
  const result = {
    minutes: MINUTES,
    concurrency: CONCURRENCY,
    outageSeconds: OUTAGE_MS / 1000,
    requests: samples.length,
    byStatus,
    accepted: accepted.length,
    lost: lost.length,
    lostIds: lost.slice(0, 20),
    unfinishedAfterDrain: open,
    drainSeconds: Math.round((Date.now() - drainStarted) / 1000),
    faults: windows.map((window) => ({
      ...window,
      seconds: Math.round((window.end - RECOVERY_MS - window.start) / 1000),
    })),
    latencyOutsideFaultsMs: latency,
    p99OutsideFaultsMs: summarize(outside.filter((sample) => sample.status !== 'network').map((sample) => sample.ms))
      .p99,
    rssMiB: rss,
  };
  await server.stop();
  await Promise.all([pg.destroy(), redis.stop()]);
  const file = writeResult(`soak-${new Date().toISOString().replace(/[:.]/g, '-')}`, result);

  console.log(`\n${samples.length} requests in ${MINUTES} min, ${windows.length} faults`);
  for (const [op, counts] of Object.entries(byStatus)) {
    console.log(
      `  ${op.padEnd(7)} ${Object.entries(counts)
        .map(([code, count]) => `${code}: ${count}`)
        .join(', ')}`,
    );
  }
  console.log(`accepted adds: ${accepted.length}, lost: ${lost.length}, unfinished events after drain: ${open}`);
  for (const [op, stats] of Object.entries(latency)) {
    console.log(
      `  ${op.padEnd(7)} outside faults: p50 ${stats.p50} ms, p95 ${stats.p95} ms, p99 ${stats.p99} ms (${stats.count})`,
    );
  }
  console.log(`RSS MiB (api/worker): ${rss.map((point) => `${point.s}s ${point.api}/${point.worker}`).join(', ')}`);
  console.log(`written to ${file}`);
  process.exit(lost.length === 0 && open === 0 ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
