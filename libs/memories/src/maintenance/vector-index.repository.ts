import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@app/core';

const EMBEDDER_ID = /^[A-Za-z0-9:._/+-]{1,200}$/;
const INDEX_LOCK = 8_820_260_002;

/**
 * One HNSW index per embedder: an expression cast to its dimension with a partial predicate, so
 * vectors of several embedders (and sizes) live in one column. DDL takes no bind parameters, so the
 * embedder id is checked against a strict pattern before it is written into the statement.
 */
@Injectable()
export class VectorIndexRepository {
  constructor(private readonly prisma: PrismaService) {}

  static indexName(embedder: string): string {
    return `memories_embedding_hnsw_${createHash('sha1').update(embedder).digest('hex').slice(0, 16)}`;
  }

  async ensure(embedder: string, dimensions: number): Promise<string> {
    if (!EMBEDDER_ID.test(embedder) || !Number.isInteger(dimensions) || dimensions < 1 || dimensions > 2000) {
      throw new Error(`cannot index embedder ${embedder} (${dimensions} dimensions)`);
    }
    const name = VectorIndexRepository.indexName(embedder);
    await this.prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${INDEX_LOCK}::bigint)`;
        await tx.$executeRaw`
        CREATE INDEX IF NOT EXISTS ${Prisma.raw(`"${name}"`)} ON memories
        USING hnsw ((embedding::vector(${Prisma.raw(String(dimensions))})) vector_cosine_ops)
        WHERE embedder = ${Prisma.raw(`'${embedder}'`)}`;
      },
      { timeout: 600_000, maxWait: 60_000 },
    );
    return name;
  }

  /**
   * Moves up to `limit` of the project's pending vectors (left by batch updates and verbatim adds) into
   * `embedding`, and so into the HNSW index, in one statement; rows another mover holds are skipped.
   * Returns how many moved.
   */
  indexPending(projectId: string, limit: number): Promise<number> {
    return this.prisma.$executeRaw`
      UPDATE memories m SET embedding = m.pending_embedding, pending_embedding = NULL
      FROM (
        SELECT id FROM memories WHERE project_id = ${projectId}::uuid AND pending_embedding IS NOT NULL
        LIMIT ${limit} FOR UPDATE SKIP LOCKED
      ) p
      WHERE m.id = p.id`;
  }

  /** Vectors pending across projects (read through their partial index). */
  async countPending(): Promise<number> {
    const [row] = await this.prisma.$queryRaw<{ count: number }[]>`
      SELECT count(*)::int AS count FROM memories WHERE pending_embedding IS NOT NULL`;
    return row.count;
  }

  /** Projects with vectors pending since before `before` (their indexing job is late or was lost). */
  async pendingProjects(before: Date, limit: number): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ projectId: string }[]>`
      SELECT DISTINCT project_id::text AS "projectId" FROM memories
      WHERE pending_embedding IS NOT NULL AND updated_at < ${before} LIMIT ${limit}`;
    return rows.map((row) => row.projectId);
  }
}
