import { DatabaseError } from 'pg';
import { Prisma } from '../prisma/generated/client';
import {
  DependencyUnavailableError,
  isDatabaseUnavailable,
  isRedisUnavailable,
  unavailableDependency,
  unavailableMessage,
} from './dependency-errors';

const clientVersion = '7.10.0';

/** What Prisma 7 with @prisma/adapter-pg throws (shapes observed against a stopped PostgreSQL). */
function prismaError(code: string, cause?: Record<string, unknown>) {
  const driverAdapterError = cause
    ? Object.assign(new Error(String(cause.kind)), { name: 'DriverAdapterError', cause })
    : undefined;
  return new Prisma.PrismaClientKnownRequestError('Invalid invocation', {
    code,
    clientVersion,
    meta: driverAdapterError ? { driverAdapterError } : undefined,
  });
}

function pgError(code: string, message: string) {
  return Object.assign(new DatabaseError(message, message.length, 'error'), { code, severity: 'FATAL' });
}

function socketError(code: string) {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, errno: -111, syscall: 'connect' });
}

describe('dependency outages', () => {
  it.each([
    ['server unreachable (model query)', prismaError('P1001', { kind: 'DatabaseNotReachable', host: '127.0.0.1' })],
    ['server unreachable (raw query)', prismaError('P2010', { kind: 'DatabaseNotReachable', host: '127.0.0.1' })],
    ['session ended by a shutdown', prismaError('P2010', { kind: 'postgres', code: '57P01', originalCode: '57P01' })],
    ['server starting up', pgError('57P03', 'the database system is starting up')],
    ['connection closed', prismaError('P1017')],
    ['pool timeout', prismaError('P2024')],
    ['pool wait (node-postgres)', new Error('timeout exceeded when trying to connect')],
    ['socket closed mid-query', new Error('Connection terminated unexpectedly')],
    ['connection refused (prepared statement path)', socketError('ECONNREFUSED')],
  ])('recognises Postgres being away: %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(unavailableDependency(error)).toBe('database');
  });

  it.each([
    ['a unique violation', prismaError('P2002')],
    ['a failed raw statement', prismaError('P2010', { kind: 'postgres', code: '42P01' })],
    ['a missing table', pgError('42P01', 'relation "x" does not exist')],
    ['any other error', new Error('boom')],
    ['a thrown string', 'boom'],
  ])('leaves other errors alone: %s', (_name, error) => {
    expect(unavailableDependency(error)).toBeNull();
  });

  it('recognises ioredis failing fast or timing out, not a command error', () => {
    expect(isRedisUnavailable(new Error("Stream isn't writeable and enableOfflineQueue options is false"))).toBe(true);
    expect(isRedisUnavailable(new Error('Command timed out'))).toBe(true);
    expect(isRedisUnavailable(new Error('Connection is closed.'))).toBe(true);
    expect(isRedisUnavailable(socketError('ECONNREFUSED'))).toBe(true);
    expect(isRedisUnavailable(new Error('LOADING Redis is loading the dataset in memory'))).toBe(true);
    expect(isRedisUnavailable(new Error('ERR wrong number of arguments'))).toBe(false);
  });

  it('takes the dependency a tagged error names, also when wrapped', () => {
    const tagged = new DependencyUnavailableError('redis', new Error('Command timed out'));
    expect(unavailableDependency(tagged)).toBe('redis');
    expect(unavailableDependency(new Error('outer', { cause: tagged }))).toBe('redis');
    expect(tagged.message).toBe('Redis unavailable: Command timed out');
    expect(unavailableMessage('database')).toBe('Database unavailable, retry later.');
  });
});
