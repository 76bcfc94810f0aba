import { ExtractedFact } from '@app/ai';
import { formatTimestamp, Memory } from '@app/core';
import { annotate } from '../annotation/annotate';
import { deterministicUuid } from '../memory/ids';
import { AddRequest, AddResultItem, Scope } from '../memory/memory.types';
import { NewMemory, scopeOf } from '../memory/memory-rows';

/** A fact an add extracted, attributed to its scope and embedded. */
export interface PlannedFact {
  fact: ExtractedFact;
  scope: Scope;
  vector: number[];
  hash: string;
}

/** An event's memories in the order its run inserted them (their ids derive from that position). */
export function inInsertOrder(eventId: string, rows: Memory[]): Memory[] {
  const position = new Map(rows.map((_, index) => [deterministicUuid(eventId, String(index)), index]));
  return [...rows].sort((a, b) => (position.get(a.id) ?? rows.length) - (position.get(b.id) ?? rows.length));
}

/** The row an add inserts; its id derives from the event, so a re-run recognises what it stored. */
export function toNewMemory(
  eventId: string,
  index: number,
  request: AddRequest,
  item: { text: string; hash: string; scope: Scope; vector: number[] },
): NewMemory {
  const createdAt = request.timestamp ? new Date(request.timestamp * 1000) : new Date();
  return {
    id: deterministicUuid(eventId, String(index)),
    memory: item.text,
    hash: item.hash,
    scope: item.scope,
    metadata: request.metadata,
    immutable: request.immutable,
    expirationDate: request.expirationDate ? new Date(`${request.expirationDate}T00:00:00Z`) : null,
    createdAt,
    sourceEventId: eventId,
    embedding: item.vector,
    annotation: annotate(item.text, createdAt),
  };
}

export function resultItem(row: Memory, event: AddResultItem['event']): AddResultItem {
  const scope = scopeOf(row);
  return {
    id: row.id,
    event,
    memory: row.memory,
    data: { memory: row.memory },
    user_id: scope.userId ?? null,
    agent_id: scope.agentId ?? null,
    app_id: scope.appId ?? null,
    run_id: scope.runId ?? null,
    categories: row.categories?.length ? row.categories : null,
    metadata: row.metadata as Record<string, unknown> | null,
    created_at: formatTimestamp(row.createdAt),
  };
}
