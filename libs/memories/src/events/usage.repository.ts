import { Injectable } from '@nestjs/common';
import { PrismaService } from '@app/core';

export interface UsageDay {
  date: string;
  memories_added: number;
  adds: number;
  searches: number;
}

/** Daily activity counts of a project, read from its memory history and events. */
@Injectable()
export class UsageRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** One row per UTC day from `since` (a UTC midnight) through `days` days, zeros included. */
  perDay(projectId: string, since: Date, days: number): Promise<UsageDay[]> {
    return this.prisma.$queryRaw<UsageDay[]>`
      WITH days AS (
        SELECT generate_series(${since}::timestamptz AT TIME ZONE 'UTC',
                               (${since}::timestamptz AT TIME ZONE 'UTC') + make_interval(days => ${days}::int - 1),
                               interval '1 day')::date AS day
      ), added AS (
        SELECT (created_at AT TIME ZONE 'UTC')::date AS day, count(*)::int AS n
        FROM memory_history
        WHERE project_id = ${projectId}::uuid AND event = 'ADD' AND created_at >= ${since}
        GROUP BY 1
      ), activity AS (
        SELECT (created_at AT TIME ZONE 'UTC')::date AS day,
               count(*) FILTER (WHERE event_type = 'ADD')::int AS adds,
               count(*) FILTER (WHERE event_type = 'SEARCH')::int AS searches
        FROM events
        WHERE project_id = ${projectId}::uuid AND event_type IN ('ADD', 'SEARCH') AND created_at >= ${since}
        GROUP BY 1
      )
      SELECT to_char(d.day, 'YYYY-MM-DD') AS date, coalesce(a.n, 0) AS memories_added,
             coalesce(e.adds, 0) AS adds, coalesce(e.searches, 0) AS searches
      FROM days d
      LEFT JOIN added a ON a.day = d.day
      LEFT JOIN activity e ON e.day = d.day
      ORDER BY d.day`;
  }
}
