import { MetricsService } from '@app/core';
import { Embedder, LlmProvider } from './ai.types';

const LLM_OPERATIONS: ReadonlySet<PropertyKey> = new Set<keyof LlmProvider>([
  'extractFacts',
  'decideUpdate',
  'categorize',
  'rerank',
  'summarize',
  'fillSchema',
  'judgeLifecycle',
  'synthesize',
]);

/**
 * The provider with the named methods timed by `time`. A proxy rather than a wrapper class keeps
 * the provider's own type (`instanceof` checks still hold) and every other member untouched.
 */
function timed<T extends object>(
  provider: T,
  methods: ReadonlySet<PropertyKey>,
  time: (method: string, call: () => Promise<unknown>) => Promise<unknown>,
): T {
  return new Proxy(provider, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') {
        return value;
      }
      const bound = (value as (...args: unknown[]) => unknown).bind(target);
      return methods.has(property)
        ? (...args: unknown[]) => time(String(property), () => bound(...args) as Promise<unknown>)
        : bound;
    },
  });
}

/** The embedder with its calls' latency and failures recorded (`mem0_embedding_*`). */
export function instrumentEmbedder(embedder: Embedder, metrics: MetricsService): Embedder {
  return timed(embedder, new Set(['embed']), (_method, call) =>
    metrics.time(metrics.embeddingDuration, metrics.embeddingErrors, { embedder: embedder.id }, call),
  );
}

/** The LLM provider with each operation's latency and failures recorded (`mem0_llm_*`). */
export function instrumentLlm(llm: LlmProvider, metrics: MetricsService): LlmProvider {
  return timed(llm, LLM_OPERATIONS, (operation, call) =>
    metrics.time(metrics.llmDuration, metrics.llmErrors, { provider: llm.name, operation }, call),
  );
}
