import { Injectable } from '@nestjs/common';
import { Event, Prisma, PrismaService } from '@app/core';
import { EventStatus, EventType } from '../memory.types';

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
    await this.prisma.event.update({
      where: { id },
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
