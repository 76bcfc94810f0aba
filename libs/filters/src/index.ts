export * from './compile-filter';
export { allOf, isEntityScoped } from './filter-nodes';
export * from './filter.types';
export * from './legacy-filter';
export * from './parse-filter';
