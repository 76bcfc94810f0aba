// Checks that PostgreSQL and Redis answer before anything else runs; one clear sentence if not.
// Plain Node (no dependencies): it runs before `npm ci`.
import net from 'node:net';

const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/mem0';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

function reachable(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 2000 });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

function target(url, fallbackPort) {
  const parsed = new URL(url);
  return { host: parsed.hostname || '127.0.0.1', port: Number(parsed.port || fallbackPort) };
}

const database = target(process.env.DATABASE_URL || DEFAULT_DATABASE_URL, 5432);
const redis = target(process.env.REDIS_URL || DEFAULT_REDIS_URL, 6379);
const problems = [];
if (!(await reachable(database.host, database.port))) {
  problems.push(
    `PostgreSQL is not reachable at ${database.host}:${database.port} (DATABASE_URL): start it, for example with ` +
      `"pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start", or point DATABASE_URL at a running server.`,
  );
}
if (!(await reachable(redis.host, redis.port))) {
  problems.push(
    `Redis is not reachable at ${redis.host}:${redis.port} (REDIS_URL): start it, for example with ` +
      `"redis-server --daemonize yes --bind 127.0.0.1 --port ${redis.port}", or point REDIS_URL at a running server.`,
  );
}
if (problems.length > 0) {
  for (const problem of problems) {
    console.error(problem);
  }
  process.exit(1);
}
