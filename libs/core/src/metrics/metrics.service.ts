import { createHash, timingSafeEqual } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { AppConfig } from '../config/app-config';
import { PrismaService } from '../prisma/prisma.service';

const REQUEST_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const JOB_SECONDS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

type Collector = () => Promise<void> | void;

const digest = (value: string) => createHash('sha256').update(value).digest();

/** A scrape's Authorization header passes: always without a token, else only `Bearer <token>`. */
export function scrapeAuthorized(token: string | undefined, header: string | undefined): boolean {
  return !token || timingSafeEqual(digest(header?.trim() ?? ''), digest(`Bearer ${token}`));
}

/**
 * Every Prometheus metric of a process, in a registry of its own (several apps may share a test
 * process). Labels hold bounded values only: route patterns, queue and job names, classes, never ids.
 * Recording is always on and cheap; METRICS_ENABLED decides whether anything serves the registry.
 */
@Injectable()
export class MetricsService {
  private readonly logger = new Logger(MetricsService.name);
  private readonly collectors: Collector[] = [];
  readonly registry = new Registry();

  readonly httpDuration = this.histogram(
    'mem0_http_request_duration_seconds',
    'HTTP requests by method, route pattern and status',
    ['method', 'route', 'status'],
  );
  readonly rateLimited = this.counter(
    'mem0_rate_limit_rejections_total',
    'Requests answered 429, by rate-limit class',
    ['class'],
  );
  readonly queueJobs = this.gauge('mem0_queue_jobs', 'Jobs per queue and state, read from BullMQ at scrape time', [
    'queue',
    'state',
  ]);
  readonly jobDuration = this.histogram(
    'mem0_job_duration_seconds',
    'Job runs by queue, job name and outcome (success, skipped, failed)',
    ['queue', 'job', 'outcome'],
    JOB_SECONDS,
  );
  readonly jobFailures = this.counter(
    'mem0_job_failures_total',
    'Failed job runs (each retry counts) by queue and job name',
    ['queue', 'job'],
  );
  readonly webhookAttempts = this.counter(
    'mem0_webhook_attempts_total',
    'Webhook delivery attempts by outcome (success, failure) and status class (2xx..5xx, network, refused)',
    ['outcome', 'status_class'],
  );
  readonly webhookRetryBacklog = this.gauge(
    'mem0_webhook_retry_backlog',
    'Webhook deliveries waiting for their next attempt, read at scrape time',
    [],
  );
  readonly pendingVectors = this.gauge(
    'mem0_pending_vectors',
    'Memories whose new vector (from a batch update or a verbatim add) waits for the worker to move it into the HNSW index, read at scrape time',
    [],
  );
  readonly searchPlans = this.counter(
    'mem0_search_plans_total',
    'Searches by the plan chosen for the vector channel (exact, hnsw)',
    ['plan'],
  );
  readonly embeddingDuration = this.histogram('mem0_embedding_duration_seconds', 'Embedding calls by embedder', [
    'embedder',
  ]);
  readonly embeddingErrors = this.counter('mem0_embedding_errors_total', 'Embedding calls that failed, by embedder', [
    'embedder',
  ]);
  readonly llmDuration = this.histogram('mem0_llm_duration_seconds', 'LLM calls by provider and operation', [
    'provider',
    'operation',
  ]);
  readonly llmErrors = this.counter('mem0_llm_errors_total', 'LLM calls that failed, by provider and operation', [
    'provider',
    'operation',
  ]);
  readonly dbPool = this.gauge(
    'mem0_db_pool_connections',
    'Postgres pool: total and idle connections, queries waiting for one, and the configured maximum',
    ['state'],
  );

  constructor(
    private readonly config: AppConfig,
    prisma: PrismaService,
  ) {
    if (config.env.METRICS_ENABLED) {
      collectDefaultMetrics({ register: this.registry, prefix: 'mem0_' });
    }
    this.onScrape(() => {
      const pool = prisma.poolStats();
      this.dbPool.set({ state: 'total' }, pool.total);
      this.dbPool.set({ state: 'idle' }, pool.idle);
      this.dbPool.set({ state: 'waiting' }, pool.waiting);
      this.dbPool.set({ state: 'max' }, config.env.DATABASE_POOL_SIZE);
    });
  }

  get enabled(): boolean {
    return this.config.env.METRICS_ENABLED;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  authorized(header: string | undefined): boolean {
    return scrapeAuthorized(this.config.env.METRICS_TOKEN, header);
  }

  /** Runs before every scrape: gauges read from elsewhere (BullMQ, the pool) are set here. */
  onScrape(collect: Collector): void {
    this.collectors.push(collect);
  }

  /** The registry in Prometheus text format; a source that cannot be read leaves its gauges out. */
  async scrape(): Promise<string> {
    await Promise.all(
      this.collectors.map((collect) =>
        Promise.resolve()
          .then(collect)
          .catch((error: unknown) => this.logger.warn({ err: error }, 'metrics source not read')),
      ),
    );
    return this.registry.metrics();
  }

  /** Times `run` into `histogram`, counting a rejection in `errors` too. */
  async time<L extends string, T>(
    histogram: Histogram<L>,
    errors: Counter<L>,
    labels: Partial<Record<L, string>>,
    run: () => Promise<T>,
  ): Promise<T> {
    const stop = histogram.startTimer(labels);
    try {
      return await run();
    } catch (error) {
      errors.inc(labels);
      throw error;
    } finally {
      stop();
    }
  }

  private counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  private gauge<L extends string>(name: string, help: string, labelNames: readonly L[]): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }

  private histogram<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    buckets = REQUEST_SECONDS,
  ): Histogram<L> {
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }
}
