import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { EnvDto } from './env.dto';

export { EnvDto } from './env.dto';

export type RateLimitClass = 'default' | 'add' | 'search' | 'memory-system' | 'agent-signup';

/** One counter of a route class: a class may have several (a per-minute limit and a burst cap). */
export interface RateLimitRule {
  name: string;
  routeClass: RateLimitClass;
  ttlMs: number;
  limit: number;
}
export type AiProviderKind = 'openai' | 'offline';
/** What one add may carry; anything more is refused before any work is done. */
export interface AddLimits {
  maxMessages: number;
  maxMessageChars: number;
  maxMetadataBytes: number;
}

/** The validated, typed configuration; inject it anywhere (tests override the provider). */
export class AppConfig {
  constructor(readonly env: Readonly<EnvDto>) {}

  get isTest(): boolean {
    return this.env.NODE_ENV === 'test';
  }

  /** `auto` means the OpenAI-compatible provider when a key is configured, else the embedded offline one. */
  get llmProvider(): AiProviderKind {
    return resolveProvider(this.env.LLM_PROVIDER, this.env.OPENAI_API_KEY);
  }

  /** The model that describes images: OPENAI_VISION_MODEL, else the OpenAI-compatible LLM's; null offline. */
  get visionModel(): string | null {
    if (this.env.OPENAI_VISION_MODEL) {
      return this.env.OPENAI_VISION_MODEL;
    }
    return this.llmProvider === 'openai' ? this.env.OPENAI_LLM_MODEL : null;
  }

  get embedderProvider(): AiProviderKind {
    return resolveProvider(this.env.EMBEDDER_PROVIDER, this.env.OPENAI_API_KEY);
  }

  /** The folder holding package.json, from the sources and from dist/ alike. */
  get projectRoot(): string {
    let dir = __dirname;
    while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
    return dir;
  }

  /** OFFLINE_EMBEDDER_TABLE resolved from the project root, or undefined for the built-in location. */
  get offlineEmbedderTable(): string | undefined {
    return this.env.OFFLINE_EMBEDDER_TABLE ? resolve(this.projectRoot, this.env.OFFLINE_EMBEDDER_TABLE) : undefined;
  }

  get addLimits(): AddLimits {
    return {
      maxMessages: this.env.ADD_MAX_MESSAGES,
      maxMessageChars: this.env.ADD_MAX_MESSAGE_CHARS,
      maxMetadataBytes: this.env.ADD_MAX_METADATA_BYTES,
    };
  }

  rateLimit(kind: Exclude<RateLimitClass, 'memory-system' | 'agent-signup'>): number {
    const limits = {
      default: this.env.RATE_LIMIT_DEFAULT,
      add: this.env.RATE_LIMIT_ADD,
      search: this.env.RATE_LIMIT_SEARCH,
    };
    return limits[kind];
  }

  /** The platform's counters (a self-hosted surface may add its own). */
  get rateLimitRules(): RateLimitRule[] {
    const window = this.env.RATE_LIMIT_WINDOW_SECONDS * 1000;
    return [
      ...(['default', 'add', 'search'] as const).map((name) => ({
        name,
        routeClass: name,
        ttlMs: window,
        limit: this.rateLimit(name),
      })),
      {
        name: 'agent-signup',
        routeClass: 'agent-signup',
        ttlMs: this.env.AGENT_SIGNUP_WINDOW_SECONDS * 1000,
        limit: this.env.AGENT_SIGNUP_RATE_LIMIT,
      },
    ];
  }
}

function resolveProvider(setting: string, apiKey: string | undefined): AiProviderKind {
  if (setting === 'auto') {
    return apiKey ? 'openai' : 'offline';
  }
  return setting as AiProviderKind;
}

export class ConfigError extends Error {}

/** Reads the process environment (plus overrides), validates it and fails with one clear message. */
export function loadConfig(overrides: Record<string, string | undefined> = {}): AppConfig {
  const raw: Record<string, unknown> = {};
  const source = { ...process.env, ...overrides };
  for (const key of Object.keys(new EnvDto())) {
    if (source[key] !== undefined) {
      raw[key] = source[key];
    }
  }
  const env = plainToInstance(EnvDto, raw, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false });
  if (errors.length > 0) {
    const lines = errors.map((error) => {
      const shown = /KEY|TOKEN/.test(error.property) ? '(hidden)' : JSON.stringify(raw[error.property]);
      return `${Object.values(error.constraints ?? {}).join('; ')} (got ${shown})`;
    });
    throw new ConfigError(`Invalid configuration: ${lines.join(' | ')}`);
  }
  return new AppConfig(env);
}
