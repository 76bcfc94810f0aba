/** The services a request or a job needs besides this process. */
export type Dependency = 'database' | 'redis';

const LABEL: Record<Dependency, string> = { database: 'Database', redis: 'Redis' };

/** The sentence an outage answers with (503), naming the dependency. */
export function unavailableMessage(dependency: Dependency): string {
  return `${LABEL[dependency]} unavailable, retry later.`;
}

/** Raised where the failing dependency is known for sure (a job that could not be queued). */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: Dependency,
    cause: unknown,
  ) {
    super(`${LABEL[dependency]} unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

// Prisma: server unreachable, timeouts, closed connection, pool timeout.
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
// @prisma/adapter-pg's DriverAdapterError kinds for the same.
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
// SQLSTATE class 08 (connection exception), 57P01-57P03 (shutdown, crash, starting up), 53300 (too many connections).
const SQLSTATE = /^(08[0-9A-Z]{3}|57P0[1-3]|53300)$/;
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
// node-postgres raises these as plain errors, without a code.
const PG_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Can't reach database server/;
// ioredis when the server is away (offline queue off, command timeout, retries exhausted), and replies
// of a server that is loading, read-only or has lost its primary.
const REDIS_MESSAGES =
  /Connection is closed|enableOfflineQueue|Command timed out|max retries per request|^(LOADING|MASTERDOWN|READONLY|CLUSTERDOWN|TRYAGAIN)\b/i;

interface ErrorLike {
  code?: unknown;
  kind?: unknown;
  message?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: unknown };
}

/** The error and what it wraps (Prisma keeps the driver adapter's error in `meta`). */
function chain(error: unknown): ErrorLike[] {
  const seen: ErrorLike[] = [];
  const queue = [error];
  while (queue.length > 0 && seen.length < 8) {
    const next = queue.shift();
    if (next && typeof next === 'object' && !seen.includes(next as ErrorLike)) {
      const item = next as ErrorLike;
      seen.push(item);
      queue.push(item.cause, item.meta?.driverAdapterError);
    }
  }
  return seen;
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

function socketFailure(item: ErrorLike): boolean {
  return typeof item.code === 'string' && SOCKET_CODES.has(item.code);
}

/** True when the error says Postgres is unreachable, restarting, or out of connections (not a bad query). */
export function isDatabaseUnavailable(error: unknown): boolean {
  return chain(error).some(
    (item) =>
      (typeof item.code === 'string' && (PRISMA_CODES.has(item.code) || SQLSTATE.test(item.code))) ||
      (typeof item.kind === 'string' && ADAPTER_KINDS.has(item.kind)) ||
      socketFailure(item) ||
      PG_MESSAGES.test(text(item.message)),
  );
}

/** True when the error says Redis is unreachable or cannot serve (not a bad command). */
export function isRedisUnavailable(error: unknown): boolean {
  return chain(error).some((item) => socketFailure(item) || REDIS_MESSAGES.test(text(item.message)));
}

/** Which dependency an error says is down, or null for any other error. */
export function unavailableDependency(error: unknown): Dependency | null {
  const tagged = chain(error).find((item) => item instanceof DependencyUnavailableError);
  if (tagged) {
    return (tagged as DependencyUnavailableError).dependency;
  }
  return isDatabaseUnavailable(error) ? 'database' : null;
}
