import { Embedder } from '@app/ai';
import { AppConfig, AppError, ErrorCode, isObject } from '@app/core';
import { OssConfig } from './oss.schemas';

/**
 * The OSS server's `/configure` object: what mem0 accepts (provider names from its factories), how it
 * is merged and how secrets are hidden when it is read back (upstream `server_state.py`, `_redact_config`).
 * It is only recorded: nothing in it is imported, executed or connected to.
 */

/** The providers this server runs, whatever the configuration says: set by its environment. */
export const RUNNABLE_PROVIDERS = { llm: ['openai', 'offline'], embedder: ['openai', 'offline'] };

const PROVIDERS: Record<string, { label: string; names: string[] }> = {
  llm: {
    label: 'LLM',
    names: [
      'openai',
      'ollama',
      'anthropic',
      'groq',
      'together',
      'aws_bedrock',
      'litellm',
      'azure_openai',
      'openai_structured',
      'azure_openai_structured',
      'gemini',
      'deepseek',
      'minimax',
      'xai',
      'sarvam',
      'lmstudio',
      'vllm',
      'langchain',
      'offline',
    ],
  },
  embedder: {
    label: 'embedding',
    names: [
      'openai',
      'ollama',
      'huggingface',
      'azure_openai',
      'gemini',
      'vertexai',
      'together',
      'lmstudio',
      'langchain',
      'aws_bedrock',
      'fastembed',
      'offline',
    ],
  },
  vector_store: {
    label: 'vector store',
    names: [
      'qdrant',
      'chroma',
      'pgvector',
      'pinecone',
      'mongodb',
      'milvus',
      'baidu',
      'cassandra',
      'neptune',
      'upstash_vector',
      'azure_ai_search',
      'azure_mysql',
      'redis',
      'valkey',
      'databricks',
      'elasticsearch',
      'vertex_ai_vector_search',
      'opensearch',
      'supabase',
      'weaviate',
      'faiss',
      'langchain',
      's3_vectors',
      'turbopuffer',
      'oracledb',
    ],
  },
  graph_store: { label: 'graph store', names: ['neo4j', 'memgraph', 'neptune', 'neptunedb', 'kuzu', 'apache_age'] },
  reranker: {
    label: 'reranker',
    names: ['cohere', 'sentence_transformer', 'zero_entropy', 'llm_reranker', 'huggingface'],
  },
};

const SENSITIVE_KEYS = new Set([
  'admin_api_key',
  'api_key',
  'authorization',
  'jwt_secret',
  'password',
  'password_hash',
  'secret',
  'token',
]);

/** Refuses what mem0 would not build: unknown provider names (400, in mem0's words). */
export function checkConfig(config: OssConfig): void {
  for (const [kind, { label, names }] of Object.entries(PROVIDERS)) {
    const provider = (config[kind] as { provider?: string } | null | undefined)?.provider;
    if (provider !== undefined && !names.includes(provider)) {
      throw AppError.detail(
        ErrorCode.BadRequest,
        `Unsupported ${label} provider: ${provider}. Supported providers: ${names.join(', ')}.`,
      );
    }
  }
}

/** Objects merge key by key, recursively; anything else replaces (upstream `_merge_config`). */
export function mergeConfig(base: OssConfig, updates: OssConfig): OssConfig {
  const merged: OssConfig = { ...base };
  for (const [key, value] of Object.entries(updates)) {
    merged[key] = isObject(value) && isObject(merged[key]) ? mergeConfig(merged[key], value) : value;
  }
  return merged;
}

/** Secrets read back as `[redacted]` (empty ones as they are), at any depth (upstream `_redact_config`). */
export function redactConfig(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) {
    return value.map((item) => redactConfig(item, key));
  }
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, redactConfig(item, name)]));
  }
  if (key !== undefined && SENSITIVE_KEYS.has(key.toLowerCase())) {
    return value ? '[redacted]' : value;
  }
  return value;
}

/** What the server runs when nothing is configured: its own providers and store, in mem0's terms. */
export function serverConfig(config: AppConfig, embedder: Embedder): OssConfig {
  const { env } = config;
  // The endpoint stays private to the server; the key shows only whether one is set.
  const openai = { api_key: env.OPENAI_API_KEY ?? null };
  const llm =
    config.llmProvider === 'openai'
      ? { provider: 'openai', config: { model: env.OPENAI_LLM_MODEL, ...openai } }
      : { provider: 'offline', config: {} };
  const embedderConfig =
    config.embedderProvider === 'openai'
      ? {
          provider: 'openai',
          config: { model: env.OPENAI_EMBEDDING_MODEL, embedding_dims: embedder.dimensions, ...openai },
        }
      : { provider: 'offline', config: { model: embedder.id, embedding_dims: embedder.dimensions } };
  return {
    version: 'v1.1',
    vector_store: { provider: 'pgvector', config: { embedding_model_dims: embedder.dimensions } },
    llm,
    embedder: embedderConfig,
  };
}

/** The extraction prompt a project's `/configure` set: mem0's current key, or the older one. */
export function configuredPrompt(stored: unknown): string | null {
  if (!isObject(stored)) {
    return null;
  }
  const prompt = [stored.custom_instructions, stored.custom_fact_extraction_prompt].find(
    (value) => typeof value === 'string' && value.trim() !== '',
  );
  return (prompt as string | undefined) ?? null;
}
