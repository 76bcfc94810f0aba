// Runs the API and the worker as two processes; a signal reaches both, and when one of them
// stops the other is stopped too, so `npm start` never leaves half a server running.
import { spawn } from 'node:child_process';

const apps = {
  api: 'dist/apps/api/src/main.js',
  worker: 'dist/apps/worker/src/main.js',
};

const children = Object.entries(apps).map(([name, entry]) => {
  const child = spawn(process.execPath, ['--enable-source-maps', entry], { stdio: 'inherit', env: process.env });
  child.name = name;
  return child;
});

let stopping = false;
function stopAll(signal) {
  if (stopping) return;
  stopping = true;
  for (const child of children) {
    if (child.exitCode === null) child.kill(signal);
  }
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => stopAll(signal));
}

let exitCode = 0;
let running = children.length;
for (const child of children) {
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${child.name} stopped (${signal ?? `exit code ${code}`}); stopping the rest`);
      exitCode = code || 1;
      stopAll('SIGTERM');
    }
    running -= 1;
    if (running === 0) process.exit(exitCode);
  });
}

const port = process.env.PORT || 8000;
const redis = new URL(process.env.REDIS_URL || 'redis://127.0.0.1:6379');
console.log(
  `mem0 server starting: API on http://localhost:${port} (docs at /docs), worker on Redis ${redis.hostname}:${redis.port || 6379}.\n` +
    (process.env.BOOTSTRAP_API_KEY
      ? 'Bootstrap API key: the value of BOOTSTRAP_API_KEY.'
      : 'On first start a bootstrap API key is generated and printed below (once); later: npm run admin -- key create --email <owner>.'),
);
