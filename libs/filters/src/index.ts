export * from './compile-filter';
export { FILTER_KEYS } from './field-clauses';
export { allOf, eq, exists, ids, isEntityScoped, isIn, matchAll, not } from './filter-nodes';
export * from './filter.types';
export * from './legacy-filter';
export * from './parse-filter';
