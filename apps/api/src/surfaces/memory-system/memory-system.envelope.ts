import { MemoriesService, MemoryResponse } from '@app/memories';

/** The Memory System's success envelope (its errors are rendered by the global filter). */
export function ok<T>(data: T, message: string) {
  return { success: true as const, data, message, timestamp: new Date().toISOString() };
}

/** A memory in the Memory System's form: its vector included, no graph (relationships always empty). */
export function systemMemory(memory: MemoryResponse, embedding: number[] | null, score?: number) {
  return {
    id: memory.id,
    content: memory.memory,
    user_id: memory.user_id,
    agent_id: memory.agent_id,
    run_id: memory.run_id,
    metadata: memory.metadata ?? {},
    embedding,
    relationships: [],
    created_at: memory.created_at,
    updated_at: memory.updated_at,
    ...(score === undefined ? {} : { score }),
  };
}

/** Memories (with a score when searched) in the Memory System's form, their vectors read in one query. */
export async function systemMemories(
  memories: MemoriesService,
  projectId: string,
  items: { memory: MemoryResponse; score?: number }[],
) {
  const vectors = await memories.embeddings(
    projectId,
    items.map((item) => item.memory.id),
  );
  return items.map((item) => systemMemory(item.memory, vectors.get(item.memory.id) ?? null, item.score));
}

/** "1 memory created, 2 memories updated": what an add did, including the changes `data` leaves out. */
export function addMessage(events: string[]): string {
  const verbs: [string, string][] = [
    ['ADD', 'created'],
    ['UPDATE', 'updated'],
    ['DELETE', 'deleted'],
    ['NOOP', 'unchanged'],
  ];
  const parts = verbs
    .map(([event, verb]) => [events.filter((item) => item === event).length, verb] as const)
    .filter(([count]) => count > 0)
    .map(([count, verb]) => `${count} ${count === 1 ? 'memory' : 'memories'} ${verb}`);
  return parts.length > 0 ? parts.join(', ') : 'No memories created';
}
