export * from './ai.module';
export * from './ai.types';
export * from './json-schema';
