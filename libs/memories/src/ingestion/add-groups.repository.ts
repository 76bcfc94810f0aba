import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@app/core';
import { Scope } from '../memory/memory.types';
import { scopeColumns } from '../memory/memory-rows';
import { EventsRepository } from '../events/events.repository';

type Tx = Prisma.TransactionClient;

/** A text of a scope: what exact-duplicate skipping compares. */
export interface ScopedHash {
  scope: Scope;
  hash: string;
}

/** An add event written in the transaction that stores its memories: new and finished, or finished now. */
export interface FinishedEvent {
  id: string;
  results: unknown;
  /** When the add arrived; with `payload`, the event is inserted (else it exists, RUNNING). */
  createdAt: Date;
  payload?: unknown;
}

export const scopedHashKey = ({ scope, hash }: ScopedHash) => {
  const columns = scopeColumns(scope);
  return JSON.stringify([columns.userId, columns.agentId, columns.appId, columns.runId, hash]);
};

/** The statements adds share when several are written in one transaction. */
@Injectable()
export class AddGroupsRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly events: EventsRepository,
  ) {}

  /** Which of these texts their scope (exactly these entity ids) already holds, as scopedHashKey keys. */
  async stored(projectId: string, items: ScopedHash[], db: Tx | PrismaService = this.prisma): Promise<Set<string>> {
    if (items.length === 0) {
      return new Set();
    }
    const scopes = items.map((item) => scopeColumns(item.scope));
    const rows = await db.$queryRaw<{ userId: string; agentId: string; appId: string; runId: string; hash: string }[]>`
      SELECT DISTINCT m.user_id AS "userId", m.agent_id AS "agentId", m.app_id AS "appId", m.run_id AS "runId", m.hash
      FROM unnest(${scopes.map((scope) => scope.userId)}::text[], ${scopes.map((scope) => scope.agentId)}::text[],
        ${scopes.map((scope) => scope.appId)}::text[], ${scopes.map((scope) => scope.runId)}::text[],
        ${items.map((item) => item.hash)}::text[]) AS k(user_id, agent_id, app_id, run_id, hash)
      JOIN memories m ON m.project_id = ${projectId}::uuid AND m.hash = k.hash
        AND m.user_id IS NOT DISTINCT FROM k.user_id AND m.agent_id IS NOT DISTINCT FROM k.agent_id
        AND m.app_id IS NOT DISTINCT FROM k.app_id AND m.run_id IS NOT DISTINCT FROM k.run_id`;
    return new Set(rows.map(({ hash, ...scope }) => scopedHashKey({ scope, hash })));
  }

  /** Records the events SUCCEEDED with their results: new ones inserted, RUNNING ones finished. */
  async finish(tx: Tx, projectId: string, events: FinishedEvent[]): Promise<void> {
    const fresh = events.filter((event) => event.payload !== undefined);
    const running = events.filter((event) => event.payload === undefined);
    const completedAt = new Date().toISOString();
    if (fresh.length > 0) {
      await tx.$executeRaw`
        INSERT INTO events (id, project_id, event_type, status, payload, results, created_at, updated_at, completed_at,
          latency)
        SELECT e.id, ${projectId}::uuid, 'ADD', 'SUCCEEDED', e.payload::jsonb, e.results::jsonb, e.created_at,
          ${completedAt}::timestamptz, ${completedAt}::timestamptz,
          extract(epoch FROM ${completedAt}::timestamptz - e.created_at) * 1000
        FROM unnest(${fresh.map((event) => event.id)}::uuid[], ${fresh.map((event) => JSON.stringify(event.payload))}::text[],
          ${fresh.map((event) => JSON.stringify(event.results))}::text[],
          ${fresh.map((event) => event.createdAt.toISOString())}::timestamptz[]) AS e(id, payload, results, created_at)`;
    }
    await this.events.succeedAll(projectId, running, tx);
  }
}
