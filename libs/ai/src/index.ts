export * from './ai.module';
export * from './ai.types';
