import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** `--name value` from the command line, else the fallback. */
export function option(name: string, fallback: string): string {
  const args = process.argv.slice(2);
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : fallback;
}

/** A numeric `--name value`. */
export const numberOption = (name: string, fallback: number) => Number(option(name, String(fallback)));

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) {
    return 0;
  }
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function summarize(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    count: sorted.length,
  };
}

export function writeResult(name: string, result: unknown): string {
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

/**
 * Starts the built API and worker (dist/) as separate processes, like `npm start` does; `supervised`
 * runs them under scripts/launch.mjs (npm start's launcher, which restarts one that dies), whose pid is
 * then the only one in `pids`; `cwd` runs another checkout's build.
 */
export async function startServer(
  env: Record<string, string>,
  options: { supervised?: boolean; cwd?: string } = {},
): Promise<{ baseUrl: string; stop: () => Promise<void>; pids: number[] }> {
  const port = env.PORT ?? '8765';
  const entries = options.supervised
    ? ['scripts/launch.mjs']
    : ['dist/apps/api/src/main.js', 'dist/apps/worker/src/main.js'];
  // e.g. BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server's processes.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const children: ChildProcess[] = entries.map((entry) =>
    spawn(process.execPath, [...nodeArgs, entry], {
      cwd: options.cwd,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: port },
      stdio: ['ignore', 'inherit', 'inherit'],
    }),
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      if ((await fetch(`${baseUrl}/readyz`)).ok) {
        break;
      }
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    baseUrl,
    pids: children.map((child) => child.pid ?? 0),
    stop: async () => {
      await Promise.all(children.map(stopChild));
    },
  };
}

/** Resident memory of a process in MiB (Linux /proc). */
export function rssMiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return Math.round(kb / 1024);
  } catch {
    return 0;
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) {
      resolve();
      return;
    }
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
