import { Prisma } from '@app/core';
import { eventually } from './events';
import { TestApp } from './test-app';

/** Where a memory's vector is: in `embedding` (so in the HNSW index), or pending beside it. */
export async function vectorState(t: TestApp, id: string): Promise<{ indexed: boolean; pending: boolean }> {
  const [state] = await t.prisma.$queryRaw<{ indexed: boolean; pending: boolean }[]>`
    SELECT embedding IS NOT NULL AS indexed, pending_embedding IS NOT NULL AS pending
    FROM memories WHERE id = ${id}::uuid`;
  return state;
}

/** Leaves the memories' vectors as a batch update does before its indexing job runs (or when it was lost). */
export async function leavePending(t: TestApp, ids: string[]): Promise<void> {
  await t.prisma.$executeRaw`
    UPDATE memories SET pending_embedding = embedding, embedding = NULL
    WHERE id IN (${Prisma.join(ids.map((id) => Prisma.sql`${id}::uuid`))})`;
}

/** Waits until the worker has moved every one of these memories' vectors into the index. */
export async function whenIndexed(t: TestApp, ids: string[]): Promise<void> {
  await eventually(async () => {
    const states = await Promise.all(ids.map((id) => vectorState(t, id)));
    return states.every((state) => state.indexed && !state.pending) ? true : undefined;
  });
}
