import { Injectable } from '@nestjs/common';
import { Memory, Prisma } from '@app/core';
import { Annotation } from '../annotation/annotate';
import { AnnotationsRepository } from './annotations.repository';
import { historyRow, jsonText, outboxRow, scopeOf, WriteContext } from './memory-rows';
import { vectorLiteral } from './vector';

type Tx = Prisma.TransactionClient;

/** One memory's change in a batch: a new text (with its hash, vector and annotation) and/or new metadata. */
export interface BatchChange {
  id: string;
  text?: { memory: string; hash: string; embedding: number[]; annotation: Annotation };
  /** Present when the metadata is replaced (null clears it). */
  metadata?: Record<string, unknown> | null;
}

/**
 * Batch updates as sets: one statement per kind of row (memories, entity links, history, webhook
 * outbox), whatever the number of memories, so a 1000-item batch costs a handful of round trips.
 */
@Injectable()
export class BatchUpdatesRepository {
  constructor(private readonly annotations: AnnotationsRepository) {}

  /**
   * Applies changes to distinct memories inside `tx`, each with its UPDATE history entry and
   * `memory_update` webhook. Returns the updated rows; a memory missing here is left out of them.
   */
  async apply(tx: Tx, projectId: string, changes: BatchChange[], context: WriteContext): Promise<Memory[]> {
    const ids = changes.map((change) => change.id);
    const before = new Map(
      (await tx.memory.findMany({ where: { projectId, id: { in: ids } } })).map((row) => [row.id, row]),
    );
    const texts = changes.map((change) => change.text);
    await tx.$executeRaw`
      UPDATE memories m SET
        memory = CASE WHEN v.new_text THEN v.memory ELSE m.memory END,
        hash = CASE WHEN v.new_text THEN v.hash ELSE m.hash END,
        categories = CASE WHEN v.new_text THEN '{}' ELSE m.categories END,
        event_start = CASE WHEN v.new_text THEN v.event_start ELSE m.event_start END,
        event_end = CASE WHEN v.new_text THEN v.event_end ELSE m.event_end END,
        embedder = CASE WHEN v.new_text THEN ${context.embedder} ELSE m.embedder END,
        embedding = CASE WHEN v.new_text THEN v.embedding::vector ELSE m.embedding END,
        metadata = CASE WHEN v.new_metadata THEN v.metadata ELSE m.metadata END,
        updated_at = now()
      FROM unnest(
        ${ids}::uuid[], ${texts.map(Boolean)}::bool[], ${texts.map((text) => text?.memory ?? null)}::text[],
        ${texts.map((text) => text?.hash ?? null)}::text[],
        ${texts.map((text) => text?.annotation.eventStart?.toISOString() ?? null)}::timestamptz[],
        ${texts.map((text) => text?.annotation.eventEnd?.toISOString() ?? null)}::timestamptz[],
        ${texts.map((text) => (text ? vectorLiteral(text.embedding) : null))}::text[],
        ${changes.map((change) => change.metadata !== undefined)}::bool[],
        ${changes.map((change) => jsonText(change.metadata))}::jsonb[]
      ) AS v(id, new_text, memory, hash, event_start, event_end, embedding, new_metadata, metadata)
      WHERE m.project_id = ${projectId}::uuid AND m.id = v.id`;
    const after = await tx.memory.findMany({ where: { projectId, id: { in: ids } } });
    const relinked = changes.filter((change) => change.text).map((change) => change.id);
    if (relinked.length > 0) {
      await tx.$executeRaw`DELETE FROM memory_entity_links WHERE memory_id = ANY(${relinked}::uuid[])`;
      const rows = new Map(after.map((row) => [row.id, row]));
      await this.annotations.link(
        tx,
        projectId,
        changes
          .filter((change) => change.text && rows.has(change.id))
          .map((change) => ({
            id: change.id,
            scope: scopeOf(rows.get(change.id)!),
            entities: change.text!.annotation.entities,
          })),
      );
    }
    await tx.memoryHistory.createMany({
      data: after.map((row) => historyRow(projectId, row, 'UPDATE', before.get(row.id)!.memory, row.memory, context)),
    });
    await tx.webhookOutbox.createMany({ data: after.map((row) => outboxRow(projectId, row, 'UPDATE', context)) });
    return after;
  }
}
