import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, IsUUID, Matches, Max, Min } from 'class-validator';

// Reads the raw string: implicit conversion would already have turned "false" into `true`.
const toBool = ({ key, obj }: { key: string; obj: Record<string, unknown> }) => {
  const raw = obj[key];
  return typeof raw === 'string' ? ['1', 'true', 'yes', 'on'].includes(raw.trim().toLowerCase()) : raw;
};
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/** Every environment variable the server reads, with its default (mirrored in .env.example). */
export class EnvDto {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: string = 'development';

  @IsString()
  HOST: string = '0.0.0.0';

  @IsInt()
  @Min(1)
  @Max(65535)
  PORT: number = 8000;

  @Transform(toBool)
  @IsBoolean()
  TRUST_PROXY: boolean = false;

  @IsInt()
  @Min(1024)
  BODY_LIMIT_BYTES: number = 10 * 1024 * 1024;

  /** Objects and arrays nested deeper than this in a JSON body or a JSON query value answer 400. */
  @IsInt()
  @Min(8)
  @Max(1000)
  JSON_MAX_DEPTH: number = 64;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  /** Messages one add may carry (the platform's batch routes stop at 1000 memories per request too). */
  @IsInt()
  @Min(1)
  @Max(100_000)
  ADD_MAX_MESSAGES: number = 1000;

  /** Characters of one message's content: about 8,000 tokens, what an embedding model takes in one input. */
  @IsInt()
  @Min(100)
  ADD_MAX_MESSAGE_CHARS: number = 32_000;

  /** Bytes of an add's metadata as JSON; it is copied onto every memory, history entry and webhook of the add. */
  @IsInt()
  @Min(256)
  ADD_MAX_METADATA_BYTES: number = 16_384;

  /** Bytes of one document of an add (pdf_url, txt_url, mdx_url: fetched or base64), before its text is read. */
  @IsInt()
  @Min(1024)
  DOCUMENT_MAX_BYTES: number = 10_485_760;

  /** Deadline of one document download. */
  @IsInt()
  @Min(100)
  @Max(600_000)
  DOCUMENT_FETCH_TIMEOUT_MS: number = 15_000;

  /** Fetch documents from loopback, private and other internal addresses (off: SSRF guard). */
  @Transform(toBool)
  @IsBoolean()
  DOCUMENTS_ALLOW_PRIVATE_URLS: boolean = false;

  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgresql:// URL' })
  DATABASE_URL: string = 'postgresql://postgres@127.0.0.1:5432/mem0';

  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE: number = 10;

  /** A query waits this long for a pooled connection (or a new one) before the request answers 503. */
  @IsInt()
  @Min(100)
  @Max(60000)
  DATABASE_CONNECT_TIMEOUT_MS: number = 5000;

  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL: string = 'redis://127.0.0.1:6379';

  @Matches(/^[A-Za-z0-9:_-]+$/, { message: 'REDIS_PREFIX may hold letters, digits, ":", "_" and "-" only' })
  REDIS_PREFIX: string = 'mem0';

  /** Requests give up on a Redis command after this long (rate limits, idempotency, enqueueing): 503, not a hang. */
  @IsInt()
  @Min(100)
  @Max(60000)
  REDIS_COMMAND_TIMEOUT_MS: number = 1000;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^\S{20,200}$/, {
    message: 'BOOTSTRAP_API_KEY must be 20 to 200 characters without spaces',
  })
  BOOTSTRAP_API_KEY?: string = undefined;

  /**
   * How long an API key's identity is reused without reading the database (0 = never). Changes to
   * keys, users and memberships drop it at once through database notifications; without them it is not cached.
   */
  @IsInt()
  @Min(0)
  @Max(300_000)
  API_KEY_CACHE_TTL_MS: number = 30_000;

  @IsString()
  BOOTSTRAP_ORG_NAME: string = 'default-org';

  @IsString()
  BOOTSTRAP_PROJECT_NAME: string = 'default-project';

  @Matches(/^[^@\s]+@[^@\s]+$/, { message: 'BOOTSTRAP_USER_EMAIL must be an e-mail address' })
  BOOTSTRAP_USER_EMAIL: string = 'owner@localhost';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  OPENAI_API_KEY?: string = undefined;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  OPENAI_BASE_URL?: string = undefined;

  @IsInt()
  @Min(1)
  @Max(64)
  WORKER_CONCURRENCY: number = 4;

  /** Add jobs a worker runs at once: the adds of a project in flight together share statements and transactions. */
  @IsInt()
  @Min(1)
  @Max(256)
  INGESTION_CONCURRENCY: number = 32;

  /** Runs of a failing job; with the backoff below the last comes about half an hour after the first. */
  @IsInt()
  @Min(1)
  @Max(100)
  JOB_ATTEMPTS: number = 15;

  /** First retry delay; each later one doubles, up to JOB_BACKOFF_MAX_MS (±20% jitter). */
  @IsInt()
  @Min(10)
  JOB_BACKOFF_MS: number = 1000;

  @IsInt()
  @Min(10)
  JOB_BACKOFF_MAX_MS: number = 300_000;

  /** How often each worker looks for accepted events and exports whose job was lost. */
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  JOB_SWEEP_INTERVAL_MS: number = 30_000;

  /** An unfinished event or export untouched this long has its job checked (and re-queued if it is gone). */
  @IsInt()
  @Min(100)
  JOB_SWEEP_AFTER_MS: number = 120_000;

  /** An event or export still unfinished this long after it was accepted ends FAILED. */
  @IsInt()
  @Min(1000)
  JOB_MAX_AGE_MS: number = 86_400_000;

  /** Dream synthesis runs per project this often; a user is considered from this many eligible memories. */
  @IsInt()
  @Min(1)
  SYNTHESIS_INTERVAL_HOURS: number = 24;

  @IsInt()
  @Min(1)
  SYNTHESIS_MIN_MEMORIES: number = 20;

  @IsIn(['auto', 'openai', 'offline'])
  LLM_PROVIDER: string = 'auto';

  @IsIn(['auto', 'openai', 'offline'])
  EMBEDDER_PROVIDER: string = 'auto';

  /** The embedded embedder in force when EMBEDDER_PROVIDER resolves to offline (README, "Offline embedders"). */
  @IsIn(['static-hash', 'hash', 'use-lite', 'use-lite-hash'])
  OFFLINE_EMBEDDER: string = 'static-hash';

  /** The static embedder's word table; empty = the file scripts/build-embedder-table.ts writes. */
  @IsString()
  OFFLINE_EMBEDDER_TABLE: string = '';

  @IsString()
  OPENAI_LLM_MODEL: string = 'gpt-4.1-mini';

  /** Describes images of adds; empty = OPENAI_LLM_MODEL when the LLM is OpenAI-compatible, else none (images refused). */
  @IsString()
  OPENAI_VISION_MODEL: string = '';

  @IsString()
  OPENAI_EMBEDDING_MODEL: string = 'text-embedding-3-small';

  @IsInt()
  @Min(16)
  @Max(4096)
  OPENAI_EMBEDDING_DIMENSIONS: number = 1536;

  @IsInt()
  @Min(1000)
  OPENAI_TIMEOUT_MS: number = 60000;

  @Transform(toBool)
  @IsBoolean()
  RATE_LIMIT_ENABLED: boolean = true;

  @IsInt()
  @Min(1)
  @Max(86400)
  RATE_LIMIT_WINDOW_SECONDS: number = 60;

  @IsInt()
  @Min(1)
  RATE_LIMIT_DEFAULT: number = 1200;

  @IsInt()
  @Min(1)
  RATE_LIMIT_ADD: number = 1000;

  @IsInt()
  @Min(1)
  RATE_LIMIT_SEARCH: number = 600;

  /** `mem0 init --agent`: anyone who reaches the server may create an account (an org, project and key). */
  @Transform(toBool)
  @IsBoolean()
  AGENT_SIGNUP_ENABLED: boolean = false;

  /** Agent sign-ups per client IP per AGENT_SIGNUP_WINDOW_SECONDS (counted even when RATE_LIMIT_ENABLED is off). */
  @IsInt()
  @Min(1)
  AGENT_SIGNUP_RATE_LIMIT: number = 5;

  @IsInt()
  @Min(1)
  @Max(604800)
  AGENT_SIGNUP_WINDOW_SECONDS: number = 86400;

  /**
   * A search ranks the rows its filter keeps exactly when (estimated rows)^2 <= this factor x table
   * rows, else walks the HNSW index: 0 = always HNSW.
   */
  @IsInt()
  @Min(0)
  SEARCH_EXACT_FACTOR: number = 600;

  /** HNSW candidate list size (pgvector `hnsw.ef_search`); iterative scans go past it when filters drop rows. */
  @IsInt()
  @Min(10)
  @Max(1000)
  SEARCH_EF_SEARCH: number = 400;

  /** How long an `Idempotency-Key` remembers its response. */
  @IsInt()
  @Min(1)
  IDEMPOTENCY_TTL_SECONDS: number = 86400;

  /** A claimed key whose request never answered (a crashed replica) frees itself after this (> slowest route). */
  @IsInt()
  @Min(1)
  IDEMPOTENCY_LOCK_TTL_SECONDS: number = 120;

  /** A repeat of a request still in flight waits this long for its response, then answers 409. */
  @IsInt()
  @Min(0)
  @Max(300)
  IDEMPOTENCY_WAIT_SECONDS: number = 30;

  /** Deliver webhooks to loopback, private, link-local, CGNAT and other internal addresses (off: SSRF guard). */
  @Transform(toBool)
  @IsBoolean()
  WEBHOOKS_ALLOW_PRIVATE_TARGETS: boolean = false;

  @IsInt()
  @Min(100)
  @Max(120000)
  WEBHOOK_TIMEOUT_MS: number = 10000;

  /** First retry delay; later ones are multiples of it (about 3 days in all with the default 30 s). */
  @IsInt()
  @Min(10)
  WEBHOOK_RETRY_BASE_MS: number = 30000;

  /** A receiver's `Retry-After` is honoured up to this long. */
  @IsInt()
  @Min(0)
  WEBHOOK_RETRY_AFTER_MAX_MS: number = 3600000;

  /** How often each worker looks for new webhook events when idle. */
  @IsInt()
  @Min(20)
  @Max(60000)
  WEBHOOK_DISPATCH_INTERVAL_MS: number = 250;

  /**
   * Requests without credentials on the routes of the self-hosted servers that have no auth (the OSS
   * REST server and the Memory Service) run in COMPAT_DEFAULT_PROJECT_ID as its owner. Off: 401.
   */
  @Transform(toBool)
  @IsBoolean()
  COMPAT_ANONYMOUS_ACCESS: boolean = false;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUUID()
  COMPAT_DEFAULT_PROJECT_ID?: string = undefined;

  /** The Mem0 Memory System surface's own limits: per minute, and a burst cap per 10 seconds. */
  @IsInt()
  @Min(1)
  MEMORY_SYSTEM_RATE_LIMIT: number = 100;

  @IsInt()
  @Min(1)
  MEMORY_SYSTEM_RATE_LIMIT_BURST: number = 20;

  /** Serves Prometheus metrics at /metrics (API) and on WORKER_METRICS_PORT (worker). */
  @Transform(toBool)
  @IsBoolean()
  METRICS_ENABLED: boolean = false;

  /** When set, a scrape must send `Authorization: Bearer <token>`. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^\S{16,200}$/, { message: 'METRICS_TOKEN must be 16 to 200 characters without spaces' })
  METRICS_TOKEN?: string = undefined;

  @IsInt()
  @Min(1)
  @Max(65535)
  WORKER_METRICS_PORT: number = 9464;

  /** OTLP/HTTP collector base URL (traces go to <url>/v1/traces); unset: no traces are recorded. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string = undefined;

  @IsString()
  OTEL_SERVICE_NAME: string = 'mem0-server';
}
