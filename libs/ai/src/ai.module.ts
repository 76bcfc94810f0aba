import { Global, Logger, Module } from '@nestjs/common';
import { AppConfig, MetricsService } from '@app/core';
import { Embedder, EMBEDDER, LLM_PROVIDER, LlmProvider, VISION_MODEL, VisionModel } from './ai.types';
import { instrumentEmbedder, instrumentLlm } from './instrumented';
import { defaultTablePath } from './offline/embedder-table';
import { HashEmbedder } from './offline/hash-embedder';
import { createOfflineEmbedder, OfflineEmbedderKind } from './offline/offline-embedders';
import { OfflineLlmProvider } from './offline/offline-llm.provider';
import { OpenAiEmbedder } from './openai/openai-embedder';
import { OpenAiLlmProvider } from './openai/openai-llm.provider';
import { OpenAiVisionModel } from './openai/openai-vision';

const logger = new Logger('AiModule');

function createEmbedder(config: AppConfig): Embedder {
  const { env } = config;
  if (config.embedderProvider === 'openai') {
    return new OpenAiEmbedder({
      apiKey: env.OPENAI_API_KEY ?? '',
      baseURL: env.OPENAI_BASE_URL,
      model: env.OPENAI_EMBEDDING_MODEL,
      dimensions: env.OPENAI_EMBEDDING_DIMENSIONS,
      timeoutMs: env.OPENAI_TIMEOUT_MS,
    });
  }
  const table = config.offlineEmbedderTable ?? defaultTablePath(config.projectRoot);
  return createOfflineEmbedder(env.OFFLINE_EMBEDDER as OfflineEmbedderKind, table);
}

function createLlm(config: AppConfig, embedder: Embedder): LlmProvider {
  const { env } = config;
  if (config.llmProvider === 'openai') {
    return new OpenAiLlmProvider({
      apiKey: env.OPENAI_API_KEY ?? '',
      baseURL: env.OPENAI_BASE_URL,
      model: env.OPENAI_LLM_MODEL,
      timeoutMs: env.OPENAI_TIMEOUT_MS,
    });
  }
  // The offline provider recomputes its similarities, with thresholds tuned on hash-v1: it keeps that one
  // whatever stores the vectors (a remote embedder would also make it call out).
  return new OfflineLlmProvider(embedder instanceof HashEmbedder ? embedder : new HashEmbedder());
}

function createVision(config: AppConfig): VisionModel | null {
  const model = config.visionModel;
  const { env } = config;
  return model
    ? new OpenAiVisionModel({
        apiKey: env.OPENAI_API_KEY ?? '',
        baseURL: env.OPENAI_BASE_URL,
        model,
        timeoutMs: env.OPENAI_TIMEOUT_MS,
      })
    : null;
}

/** The LLM and embedder in force: OpenAI-compatible when configured, else the embedded offline default. */
@Global()
@Module({
  providers: [
    {
      provide: EMBEDDER,
      inject: [AppConfig, MetricsService],
      useFactory: (config: AppConfig, metrics: MetricsService) => {
        const embedder = createEmbedder(config);
        logger.log(`embedder: ${embedder.id}`);
        return instrumentEmbedder(embedder, metrics);
      },
    },
    {
      provide: LLM_PROVIDER,
      inject: [AppConfig, EMBEDDER, MetricsService],
      useFactory: (config: AppConfig, embedder: Embedder, metrics: MetricsService) => {
        const llm = createLlm(config, embedder);
        logger.log(`llm: ${llm.name}`);
        return instrumentLlm(llm, metrics);
      },
    },
    {
      provide: VISION_MODEL,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => createVision(config),
    },
  ],
  exports: [EMBEDDER, LLM_PROVIDER, VISION_MODEL],
})
export class AiModule {}
