import { Injectable } from '@nestjs/common';
import { Prisma } from '@app/core';
import { jsonText, WriteContext } from './memory-rows';

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
   * One statement, whatever their number.
   */
  async retireIn(tx: Tx, projectId: string, retirements: Retirement[], context: WriteContext): Promise<string[]> {
    if (retirements.length === 0) {
      return [];
    }
    const rows = await tx.$queryRaw<{ id: string }[]>`
      WITH r AS (
        SELECT * FROM unnest(${retirements.map((item) => item.id)}::uuid[],
          ${retirements.map((item) => item.state)}::text[], ${retirements.map((item) => item.replacedBy)}::uuid[])
          WITH ORDINALITY AS r(id, state, replaced_by, position)
      ),
      changed AS (
        UPDATE memories m SET lifecycle_state = r.state, replaced_by = r.replaced_by, updated_at = now()
        FROM r
        WHERE m.project_id = ${projectId}::uuid AND m.id = r.id AND m.lifecycle_state = 'active'
        RETURNING m.id, m.memory, m.user_id, m.agent_id, m.app_id, m.run_id, m.categories, m.metadata,
          m.lifecycle_state, m.replaced_by, r.position
      ),
      history AS (
        INSERT INTO memory_history (project_id, memory_id, event, old_memory, new_memory, input, user_id, agent_id,
          app_id, run_id, categories, metadata)
        SELECT ${projectId}::uuid, c.id, 'UPDATE', c.memory, c.memory, ${jsonText(context.input)}::jsonb, c.user_id,
          c.agent_id, c.app_id, c.run_id, c.categories,
          (CASE WHEN jsonb_typeof(c.metadata) = 'object' THEN c.metadata ELSE '{}'::jsonb END)
            || jsonb_build_object('lifecycle_state', c.lifecycle_state, 'replaced_by', c.replaced_by)
        FROM changed c ORDER BY c.position
      ),
      outbox AS (
        INSERT INTO webhook_outbox (project_id, event_type, payload)
        SELECT ${projectId}::uuid, 'memory_update', jsonb_build_object('event_details', jsonb_build_object(
          'id', c.id, 'data', jsonb_build_object('memory', c.memory), 'event', 'UPDATE', 'user_id', c.user_id,
          'agent_id', c.agent_id, 'app_id', c.app_id, 'run_id', c.run_id, 'metadata', c.metadata,
          'event_id', ${context.eventId ?? null}::text, 'timestamp', ${new Date().toISOString()}::text))
        FROM changed c ORDER BY c.position
      )
      SELECT id::text FROM changed ORDER BY position`;
    return rows.map((row) => row.id);
  }
}
