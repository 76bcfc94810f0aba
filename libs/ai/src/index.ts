export * from './ai.module';
export * from './ai.types';
export * from './json-schema';
export { defaultTablePath } from './offline/embedder-table';
export { HashEmbedder, stem, STOP_WORDS, tokenize } from './offline/hash-embedder';
export { createOfflineEmbedder } from './offline/offline-embedders';
export * from './openai/openai-embedder';
export * from './openai/openai-llm.provider';
export * from './openai/prompts';
