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

  find(projectId: string, id: string): Promise<Event | null> {
    return this.prisma.event.findFirst({ where: { projectId, id } });
  }

  /** PENDING (or a RUNNING one being retried) -> RUNNING; false when the event already finished. */
  async markRunning(projectId: string, id: string): Promise<boolean> {
    const updated = await this.prisma.event.updateMany({
      where: { projectId, id, status: { in: ['PENDING', 'RUNNING'] } },
      data: { status: 'RUNNING', startedAt: new Date(), updatedAt: new Date() },
    });
    return updated.count > 0;
  }

  async finish(
    projectId: string,
    id: string,
    outcome: { status: 'SUCCEEDED'; results: unknown; metadata?: unknown } | { status: 'FAILED'; error: string },
  ): Promise<void> {
    const event = await this.find(projectId, id);
    if (!event) {
      return;
    }
    const completedAt = new Date();
    // An event finishes once: a late outcome (a retry, a follow-up job's failure) leaves it as it ended.
    await this.prisma.event.updateMany({
      where: { projectId, id, status: { in: ['PENDING', 'RUNNING'] } },
      data: {
        status: outcome.status,
        results: outcome.status === 'SUCCEEDED' ? (outcome.results as Prisma.InputJsonValue) : undefined,
        metadata:
          outcome.status === 'SUCCEEDED' && outcome.metadata ? (outcome.metadata as Prisma.InputJsonValue) : undefined,
        error: outcome.status === 'FAILED' ? outcome.error : null,
        completedAt,
        updatedAt: completedAt,
        latency: completedAt.getTime() - event.createdAt.getTime(),
      },
    });
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
