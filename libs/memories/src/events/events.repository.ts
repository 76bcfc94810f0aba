import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Event, Prisma, PrismaService } from '@app/core';
import { EventStatus, EventType } from '../memory/memory.types';

/** Where a walk over unfinished rows stopped: rows sort by last change, then id. */
export interface SweepCursor {
  updatedAt: Date;
  id: string;
}

/** The events a worker job carries out (adds and bulk deletes); the others finish in their request. */
export const JOB_EVENT_TYPES: EventType[] = ['ADD', 'DELETE_USER', 'DELETE_ALL'];

export interface EventListFilter {
  eventType?: string;
  from?: Date;
  to?: Date;
}

@Injectable()
export class EventsRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(projectId: string, eventType: EventType, payload: unknown, status: EventStatus = 'PENDING'): Promise<Event> {
    return this.prisma.event.create({
      data: { projectId, eventType, status, payload: payload as Prisma.InputJsonValue },
    });
  }

  /** Several PENDING events of one type in one statement, answering their ids in order. */
  async createAll(projectId: string, eventType: EventType, payloads: unknown[]): Promise<string[]> {
    const ids = payloads.map(() => randomUUID());
    // Raw: Prisma plans a createMany anew for each number of rows.
    await this.prisma.$executeRaw`
      INSERT INTO events (id, project_id, event_type, status, payload, created_at, updated_at)
      SELECT e.id, ${projectId}::uuid, ${eventType}, 'PENDING', e.payload::jsonb, now(), now()
      FROM unnest(${ids}::uuid[], ${payloads.map((payload) => JSON.stringify(payload))}::text[]) AS e(id, payload)`;
    return ids;
  }

  find(projectId: string, id: string): Promise<Event | null> {
    return this.prisma.event.findFirst({ where: { projectId, id } });
  }

  /** PENDING (or a RUNNING one being retried) -> RUNNING, returning it; null when it is gone or already finished. */
  async start(projectId: string, id: string): Promise<Event | null> {
    const [started] = await this.startAll(projectId, [id]);
    return started;
  }

  /** `start` for several events in one statement, answering in their order. */
  async startAll(projectId: string, ids: string[]): Promise<(Event | null)[]> {
    const started = await this.prisma.event.updateManyAndReturn({
      where: { projectId, id: { in: ids }, status: { in: ['PENDING', 'RUNNING'] } },
      data: { status: 'RUNNING', startedAt: new Date(), updatedAt: new Date() },
    });
    const byId = new Map(started.map((event) => [event.id, event]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async finish(
    projectId: string,
    id: string,
    outcome: { status: 'SUCCEEDED'; results: unknown; metadata?: unknown } | { status: 'FAILED'; error: string },
  ): Promise<void> {
    const succeeded = outcome.status === 'SUCCEEDED';
    const results = succeeded && outcome.results !== undefined ? JSON.stringify(outcome.results) : null;
    const metadata = succeeded && outcome.metadata ? JSON.stringify(outcome.metadata) : null;
    // An event finishes once: a late outcome (a retry, a follow-up job's failure) leaves it as it ended.
    await this.prisma.$executeRaw`
      UPDATE events SET status = ${outcome.status}, error = ${succeeded ? null : outcome.error},
        results = coalesce(${results}::jsonb, results), metadata = coalesce(${metadata}::jsonb, metadata),
        completed_at = now(), updated_at = now(), latency = EXTRACT(EPOCH FROM now() - created_at) * 1000
      WHERE project_id = ${projectId}::uuid AND id = ${id}::uuid AND status IN ('PENDING', 'RUNNING')`;
  }

  /**
   * Open events recorded SUCCEEDED with their results (and metadata, when given), in one statement; one
   * already finished stays as it ended.
   */
  async succeedAll(
    projectId: string,
    events: { id: string; results: unknown; metadata?: unknown }[],
    db: Prisma.TransactionClient | PrismaService = this.prisma,
  ): Promise<void> {
    if (events.length === 0) {
      return;
    }
    const completedAt = new Date().toISOString();
    await db.$executeRaw`
      UPDATE events SET status = 'SUCCEEDED', results = e.results::jsonb, error = NULL,
        metadata = coalesce(e.metadata::jsonb, events.metadata),
        completed_at = ${completedAt}::timestamptz, updated_at = ${completedAt}::timestamptz,
        latency = extract(epoch FROM ${completedAt}::timestamptz - events.created_at) * 1000
      FROM unnest(${events.map((event) => event.id)}::uuid[], ${events.map((event) => JSON.stringify(event.results))}::text[],
        ${events.map((event) => (event.metadata ? JSON.stringify(event.metadata) : null))}::text[])
        AS e(id, results, metadata)
      WHERE events.project_id = ${projectId}::uuid AND events.id = e.id AND events.status IN ('PENDING', 'RUNNING')`;
  }

  /**
   * PENDING or RUNNING job events untouched since `before`, across projects, after `cursor` (the job
   * sweeper's walk; a partial index keeps it to the unfinished rows).
   */
  unfinished(before: Date, cursor: SweepCursor | null, limit: number): Promise<Event[]> {
    return this.prisma.event.findMany({
      where: {
        status: { in: ['PENDING', 'RUNNING'] },
        eventType: { in: JOB_EVENT_TYPES },
        updatedAt: { lt: before },
        ...(cursor
          ? { OR: [{ updatedAt: { gt: cursor.updatedAt } }, { updatedAt: cursor.updatedAt, id: { gt: cursor.id } }] }
          : {}),
      },
      orderBy: [{ updatedAt: 'asc' }, { id: 'asc' }],
      take: limit,
    });
  }

  async list(projectId: string, filter: EventListFilter, page: number, pageSize: number): Promise<[Event[], number]> {
    const where: Prisma.EventWhereInput = {
      projectId,
      eventType: filter.eventType,
      createdAt: filter.from || filter.to ? { gte: filter.from, lte: filter.to } : undefined,
    };
    return Promise.all([
      this.prisma.event.findMany({
        where,
        orderBy: { createdAt: 'desc' },
        skip: (page - 1) * pageSize,
        take: pageSize,
      }),
      this.prisma.event.count({ where }),
    ]);
  }

  countByType(projectId: string, types: string[]): Promise<number> {
    return this.prisma.event.count({ where: { projectId, eventType: { in: types } } });
  }
}
