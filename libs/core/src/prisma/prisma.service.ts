import { createHash } from 'node:crypto';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool, types } from 'pg';
import { AppConfig } from '../config/app-config';
import { Prisma, PrismaClient } from './generated/client';

/**
 * Statement shapes prepared per connection at most: each costs server memory on every pooled
 * connection, and filters can take endless shapes. Further shapes run unprepared.
 */
const PREPARED_SHAPES = 64;
const DATE_OID = 1082;

/** pg's defaults, but a `date` is midnight UTC (as Prisma reads it), whatever the process's time zone. */
const PREPARED_TYPES = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === DATE_OID ? (value: string) => new Date(`${value}T00:00:00Z`) : types.getTypeParser(oid, format),
};

@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  private readonly pool: Pool;
  private readonly prepared = new Set<string>();

  constructor(config: AppConfig) {
    const pool = new Pool({
      connectionString: config.env.DATABASE_URL,
      max: config.env.DATABASE_POOL_SIZE,
      // A dead or unreachable server answers 503 within this, not after the OS gives up on the socket.
      connectionTimeoutMillis: config.env.DATABASE_CONNECT_TIMEOUT_MS,
      // HNSW searches keep scanning until enough rows pass the filters (pgvector 0.8 iterative scans).
      options: `-c hnsw.iterative_scan=relaxed_order -c hnsw.ef_search=${config.env.SEARCH_EF_SEARCH}`,
    });
    super({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
    this.pool = pool;
  }

  /**
   * Runs a hot read as a named prepared statement on the shared pool: the database parses and plans
   * its shape once per connection instead of on every call (for a search, most of its cost). Rows
   * come back as pg reads them (timestamps as Date, json parsed, arrays as arrays).
   */
  async queryPrepared<T>(query: Prisma.Sql): Promise<T[]> {
    const text = query.text;
    const name = `q${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    if (!this.prepared.has(name) && this.prepared.size < PREPARED_SHAPES) {
      this.prepared.add(name);
    }
    const result = await this.pool.query<T & object>({
      name: this.prepared.has(name) ? name : undefined,
      text,
      values: query.values,
      types: PREPARED_TYPES,
    });
    return result.rows;
  }

  /** The pool's connections (open, idle) and the queries waiting for one, for the metrics. */
  poolStats(): { total: number; idle: number; waiting: number } {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount };
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}
