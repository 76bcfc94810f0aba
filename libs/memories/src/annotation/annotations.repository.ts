import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@app/core';
import type { EntityMention } from './entities';
import { Scope } from '../memory/memory.types';
import { scopeKey } from '../memory/memory-rows';

type Tx = Prisma.TransactionClient;

export interface LinkRequest {
  id: string;
  scope: Scope;
  entities: EntityMention[];
}

/** One memory's mention of an entity, with the scope the entity is stored in. */
export type LinkRow = EntityMention & { memoryId: string; scopeKey: string };

export function linkRows(memories: LinkRequest[]): LinkRow[] {
  return memories.flatMap((memory) =>
    memory.entities.map((entity) => ({ memoryId: memory.id, scopeKey: scopeKey(memory.scope), ...entity })),
  );
}

/**
 * An INSERT of the entities these links name, once per scope, for the memories among the rows of `written`
 * (a data-modifying CTE of the same statement, with an `id` column): memories it skipped name nothing.
 */
export function namedEntitiesSql(projectId: string, links: LinkRow[], written: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO named_entities (project_id, scope_key, key, name, kind)
    SELECT DISTINCT ON (e.scope_key, e.key) ${projectId}::uuid, e.scope_key, e.key, e.name, e.kind
    FROM unnest(${links.map((link) => link.memoryId)}::uuid[], ${links.map((link) => link.scopeKey)}::text[],
      ${links.map((link) => link.key)}::text[], ${links.map((link) => link.name)}::text[],
      ${links.map((link) => link.kind)}::text[]) WITH ORDINALITY AS e(memory_id, scope_key, key, name, kind, position)
    JOIN ${written} w ON w.id = e.memory_id
    ORDER BY e.scope_key, e.key, e.position
    ON CONFLICT (project_id, scope_key, key) DO NOTHING`;
}

/** How many memories of the scope each retrieval kept, at most (older touches fall off). */
const MAX_TOUCHES = 20;

/** Entities memories mention (stored once per scope, linked to each memory) and retrieval history for decay. */
@Injectable()
export class AnnotationsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Links memories to their entities, which are stored already (a statement before this one upserted them). */
  async linkStored(tx: Tx, projectId: string, rows: LinkRow[]): Promise<void> {
    if (rows.length === 0) {
      return;
    }
    await tx.$executeRaw`
      INSERT INTO memory_entity_links (memory_id, entity_id, salience)
      SELECT l.memory_id, e.id, l.salience
      FROM unnest(${rows.map((row) => row.memoryId)}::uuid[], ${rows.map((row) => row.scopeKey)}::text[],
        ${rows.map((row) => row.key)}::text[], ${rows.map((row) => row.salience)}::real[])
        AS l(memory_id, scope_key, key, salience)
      JOIN named_entities e ON e.project_id = ${projectId}::uuid AND e.scope_key = l.scope_key AND e.key = l.key
      ON CONFLICT DO NOTHING`;
  }

  /**
   * Replaces a memory's links after its text changed: the old links go and the entities it names now are
   * upserted in one statement, the new links in a second.
   */
  async relink(tx: Tx, projectId: string, memory: LinkRequest): Promise<void> {
    const rows = linkRows([memory]);
    await tx.$executeRaw`
      WITH relinked AS (SELECT ${memory.id}::uuid AS id),
      unlinked AS (DELETE FROM memory_entity_links WHERE memory_id = ${memory.id}::uuid),
      named AS (${namedEntitiesSql(projectId, rows, Prisma.raw('relinked'))})
      SELECT 1`;
    await this.linkStored(tx, projectId, rows);
  }

  /** Records that these memories were just retrieved (the latest touches only). */
  async touch(projectId: string, ids: string[]): Promise<void> {
    if (ids.length === 0) {
      return;
    }
    await this.prisma.$executeRaw`
      INSERT INTO memory_access (memory_id, project_id, touches)
      SELECT m.id, m.project_id, ARRAY[now()] FROM memories m
      WHERE m.project_id = ${projectId}::uuid AND m.id = ANY(${ids}::uuid[])
      ON CONFLICT (memory_id) DO UPDATE SET touches =
        (memory_access.touches || now())[greatest(1, cardinality(memory_access.touches) + 2 - ${MAX_TOUCHES}):]`;
  }
}
