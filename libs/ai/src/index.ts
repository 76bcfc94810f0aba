export * from './ai.module';
export * from './ai.types';
export * from './json-schema';
export { stem, STOP_WORDS, tokenize } from './offline/hash-embedder';
