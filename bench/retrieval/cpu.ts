/**
 * CPU accounting on a shared machine (Linux /proc): how much of the cores the bench used (its own
 * process tree: API, worker, load generators; and the Postgres processes serving the bench database)
 * and how much went to everything else while a measurement ran. Sampled once a second; a process
 * that exits between samples loses at most its last second.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

const TICKS_PER_SECOND = 100;

interface ProcStat {
  ppid: number;
  ticks: number;
  cmdline: string;
}

function readProc(pid: number): ProcStat | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]), cmdline };
  } catch {
    return null;
  }
}

/** Busy and total jiffies of all cores. */
function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = values[3] + (values[4] ?? 0);
  const total = values.slice(0, 8).reduce((sum, value) => sum + value, 0);
  return { busy: total - idle, total };
}

export interface CpuShare {
  /** Cores' worth of CPU used by the bench (its processes + its database's backends). */
  bench_cores: number;
  /** Cores' worth used by anything else (other users' tests, builds...). */
  other_cores: number;
  cores: number;
  load_average_1m: number;
  /** CPU seconds of each named process, and of the database's backends (`postgres`), over the window. */
  seconds_by_role: Record<string, number>;
}

/** `roles` names processes of the bench (e.g. the API and the worker) whose own CPU is reported apart. */
export function cpuSampler(database: string, roles: Record<string, number> = {}) {
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  let initial: Set<number> | null = null;
  const backends = new Set<number>();
  const start = machineTicks();
  const started = Date.now();
  const tick = () => {
    const procs = new Map<number, ProcStat>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = readProc(Number(entry));
      if (stat) procs.set(Number(entry), stat);
    }
    const mine = new Set<number>([process.pid]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const [pid, stat] of procs) {
        if (mine.has(pid)) continue;
        const parallelOf = /parallel worker for PID (\d+)/.exec(stat.cmdline);
        const backend = stat.cmdline.startsWith('postgres:') && stat.cmdline.includes(` ${database} `);
        if (backend) backends.add(pid);
        if (mine.has(stat.ppid) || backend || (parallelOf && mine.has(Number(parallelOf[1])))) {
          mine.add(pid);
          grew = true;
        }
      }
    }
    initial ??= new Set(mine);
    for (const pid of mine) {
      const ticks = procs.get(pid)?.ticks;
      if (ticks === undefined) continue;
      if (!first.has(pid)) first.set(pid, ticks);
      last.set(pid, ticks);
    }
  };
  tick();
  const timer = setInterval(tick, 1000);
  return {
    stop: (): CpuShare => {
      clearInterval(timer);
      tick();
      const end = machineTicks();
      const seconds = (Date.now() - started) / 1000;
      // A process first seen after the start was born during the window: it counts from 0.
      let benchTicks = 0;
      const used = (pid: number) => (last.get(pid) ?? 0) - (initial?.has(pid) ? (first.get(pid) ?? 0) : 0);
      for (const pid of last.keys()) {
        benchTicks += used(pid);
      }
      const seconds_by_role = Object.fromEntries(
        Object.entries(roles).map(([role, pid]) => [role, used(pid) / TICKS_PER_SECOND]),
      );
      seconds_by_role.postgres = [...backends].reduce((sum, pid) => sum + used(pid), 0) / TICKS_PER_SECOND;
      const busyTicks = end.busy - start.busy;
      const cores = cpus().length;
      const round = (value: number) => Number(value.toFixed(2));
      return {
        bench_cores: round(benchTicks / TICKS_PER_SECOND / seconds),
        other_cores: round(Math.max(0, busyTicks - benchTicks) / TICKS_PER_SECOND / seconds),
        cores,
        load_average_1m: round(loadavg()[0]),
        seconds_by_role,
      };
    },
  };
}

/**
 * Waits (up to `maxSeconds`) until the whole machine is nearly idle: busy < `threshold` cores over a
 * 2 s window. Between runs the bench itself is idle, so what is left is other users' work.
 */
export async function waitForQuiet(
  maxSeconds: number,
  threshold: number,
): Promise<{ waited_seconds: number; busy_cores: number }> {
  const started = Date.now();
  const cores = cpus().length;
  for (;;) {
    const before = machineTicks();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const after = machineTicks();
    const busy = ((after.busy - before.busy) / Math.max(1, after.total - before.total)) * cores;
    const waited = (Date.now() - started) / 1000;
    if (busy < threshold || waited >= maxSeconds) {
      return { waited_seconds: Math.round(waited), busy_cores: Number(busy.toFixed(2)) };
    }
  }
}
