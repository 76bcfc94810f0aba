import { Injectable } from '@nestjs/common';
import { Prisma } from '@app/core';
import { historyRow, json, outboxRow, WriteContext } from './memory-rows';

type Tx = Prisma.TransactionClient;

export interface Retirement {
  id: string;
  state: 'superseded' | 'merged';
  /** The memory that replaces it. */
  replacedBy: string;
}

/** Supersede and merge: an older memory is retired, linked to the one replacing it, never deleted. */
@Injectable()
export class LifecycleRepository {
  /**
   * Retires the memories still active (a concurrent add may have retired one first: it keeps its link),
   * each with an UPDATE history entry naming its new state and a `memory_update` webhook; answers their ids.
   */
  async retireIn(tx: Tx, projectId: string, retirements: Retirement[], context: WriteContext): Promise<string[]> {
    const retired: string[] = [];
    for (const { id, state, replacedBy } of retirements) {
      const { count } = await tx.memory.updateMany({
        where: { projectId, id, lifecycleState: 'active' },
        data: { lifecycleState: state, replacedBy, updatedAt: new Date() },
      });
      if (count > 0) {
        retired.push(id);
      }
    }
    if (retired.length === 0) {
      return [];
    }
    const rows = await tx.memory.findMany({ where: { projectId, id: { in: retired } } });
    await tx.memoryHistory.createMany({
      data: rows.map((row) => ({
        ...historyRow(projectId, row, 'UPDATE', row.memory, row.memory, context),
        metadata: json({
          ...(row.metadata as Record<string, unknown> | null),
          lifecycle_state: row.lifecycleState,
          replaced_by: row.replacedBy,
        }),
      })),
    });
    await tx.webhookOutbox.createMany({ data: rows.map((row) => outboxRow(projectId, row, 'UPDATE', context)) });
    return retired;
  }
}
