import { Injectable } from '@nestjs/common';
import { MemoryHistory, PrismaService } from '@app/core';

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

  /** One statement for the batch (raw: Prisma plans a createMany anew for each number of rows, ~1 ms a row). */
  async insert(events: RetrievalEvent[]): Promise<void> {
    await this.prisma.$executeRaw`
      INSERT INTO events (id, project_id, event_type, status, payload, metadata, results, created_at, updated_at,
        started_at, completed_at, latency)
      SELECT gen_random_uuid(), e.project_id, e.event_type, 'SUCCEEDED', e.payload::jsonb,
        jsonb_build_object('result_count', e.result_count), '[]'::jsonb, e.started_at, e.completed_at, e.started_at,
        e.completed_at, extract(epoch FROM e.completed_at - e.started_at) * 1000
      FROM unnest(${events.map((event) => event.projectId)}::uuid[], ${events.map((event) => event.eventType)}::text[],
        ${events.map((event) => JSON.stringify(event.payload))}::text[], ${events.map((event) => event.resultCount)}::int[],
        ${events.map((event) => event.startedAt.toISOString())}::timestamptz[],
        ${events.map((event) => event.completedAt.toISOString())}::timestamptz[])
        AS e(project_id, event_type, payload, result_count, started_at, completed_at)`;
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
