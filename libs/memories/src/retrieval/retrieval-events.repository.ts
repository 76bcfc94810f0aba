import { Injectable } from '@nestjs/common';
import { MemoryHistory, Prisma, PrismaService } from '@app/core';

/** A finished search or list, recorded as an event of its project. */
export interface RetrievalEvent {
  projectId: string;
  eventType: 'SEARCH' | 'GET_ALL';
  payload: Record<string, unknown>;
  resultCount: number;
  startedAt: Date;
  completedAt: Date;
}

/** Reads of the project's activity: recorded retrievals and the history of all its memories. */
@Injectable()
export class RetrievalEventsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async insert(events: RetrievalEvent[]): Promise<void> {
    await this.prisma.event.createMany({
      data: events.map((event) => ({
        projectId: event.projectId,
        eventType: event.eventType,
        status: 'SUCCEEDED',
        payload: event.payload as Prisma.InputJsonValue,
        metadata: { result_count: event.resultCount },
        results: [],
        createdAt: event.startedAt,
        updatedAt: event.completedAt,
        startedAt: event.startedAt,
        completedAt: event.completedAt,
        latency: event.completedAt.getTime() - event.startedAt.getTime(),
      })),
    });
  }

  /** One page of every history entry of the project, newest first, with the total. */
  async historyPage(
    projectId: string,
    offset: number,
    limit: number,
  ): Promise<{ rows: MemoryHistory[]; count: number }> {
    const [rows, count] = await Promise.all([
      this.prisma.memoryHistory.findMany({
        where: { projectId },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        skip: offset,
        take: limit,
      }),
      this.prisma.memoryHistory.count({ where: { projectId } }),
    ]);
    return { rows, count };
  }
}
