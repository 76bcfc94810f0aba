// Runs the API and the worker as two processes and keeps both running. One that stops is started
// again after a backoff (RESTART_BACKOFF_MS, doubling up to RESTART_BACKOFF_MAX_MS); a run of at
// least STABLE_MS resets it. After RESTART_MAX_RAPID_CRASHES stops in a row, each within STABLE_MS of
// its start, the launcher gives up and stops the server, so a process that cannot start (bad
// configuration) is reported instead of retried forever. SIGINT/SIGTERM stop both.
import { spawn } from 'node:child_process';

const apps = {
  api: 'dist/apps/api/src/main.js',
  worker: 'dist/apps/worker/src/main.js',
};

function setting(name, fallback) {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const BACKOFF_MS = setting('RESTART_BACKOFF_MS', 1000);
const BACKOFF_MAX_MS = setting('RESTART_BACKOFF_MAX_MS', 30_000);
const MAX_RAPID_CRASHES = setting('RESTART_MAX_RAPID_CRASHES', 10);
const STABLE_MS = 30_000;
// Shutdown hooks may wait on a dependency that is down; past this a child is killed.
const STOP_GRACE_MS = 10_000;

const supervised = Object.entries(apps).map(([name, entry]) => ({ name, entry, child: null, timer: null, rapid: 0 }));
let stopping = false;
let exitCode = 0;

function start(app) {
  app.timer = null;
  app.startedAt = Date.now();
  app.child = spawn(process.execPath, ['--enable-source-maps', app.entry], { stdio: 'inherit', env: process.env });
  app.child.on('exit', (code, signal) => stopped(app, code, signal));
}

function stopped(app, code, signal) {
  app.child = null;
  if (stopping) {
    if (supervised.every((other) => other.child === null)) process.exit(exitCode);
    return;
  }
  const ranMs = Date.now() - app.startedAt;
  app.rapid = ranMs < STABLE_MS ? app.rapid + 1 : 1;
  const how = signal ?? `exit code ${code}`;
  if (app.rapid > MAX_RAPID_CRASHES) {
    console.error(`${app.name} stopped (${how}) ${app.rapid} times in a row within ${STABLE_MS / 1000} s of starting; stopping the server`);
    exitCode = code || 1;
    stopAll('SIGTERM');
    return;
  }
  const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_MS * 2 ** (app.rapid - 1));
  console.error(`${app.name} stopped (${how}) after ${Math.round(ranMs / 1000)} s; restarting it in ${delay} ms`);
  app.timer = setTimeout(() => start(app), delay);
}

function stopAll(signal) {
  if (stopping) return;
  stopping = true;
  for (const app of supervised) {
    clearTimeout(app.timer);
    app.child?.kill(signal);
  }
  if (supervised.every((app) => app.child === null)) process.exit(exitCode);
  setTimeout(() => supervised.forEach((app) => app.child?.kill('SIGKILL')), STOP_GRACE_MS).unref();
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => stopAll(signal));
}

supervised.forEach(start);

const port = process.env.PORT || 8000;
const redis = new URL(process.env.REDIS_URL || 'redis://127.0.0.1:6379');
console.log(
  `mem0 server starting: API on http://localhost:${port} (docs at /docs), worker on Redis ${redis.hostname}:${redis.port || 6379}.\n` +
    (process.env.BOOTSTRAP_API_KEY
      ? 'Bootstrap API key: the value of BOOTSTRAP_API_KEY.'
      : 'On first start a bootstrap API key is generated and printed below (once); later: npm run admin -- key create --email <owner>.'),
);
