import { unstorableTextAt } from '@app/core';
import { fieldConditions } from './field-clauses';
import { conjunction, disjunction, not } from './filter-nodes';
import { FilterError, FilterNode } from './filter.types';
import { isPlainObject } from './operators';

const MAX_DEPTH = 10;
const MAX_LEAVES = 100;

/** Validates and normalises raw JSON (the `filters` body value). Throws FilterError. */
export function parseFilter(input: unknown): FilterNode {
  if (!isPlainObject(input)) {
    throw new FilterError('filters must be a JSON object');
  }
  if (unstorableTextAt(input)) {
    throw new FilterError('filters must not contain NUL characters or unpaired surrogates');
  }
  return new FilterParser().filter(input, 1);
}

/** Walks one filter, counting leaf conditions across the whole tree. */
class FilterParser {
  private leaves = 0;

  /** Sibling keys are ANDed, logical and field keys alike. */
  filter(filter: Record<string, unknown>, depth: number): FilterNode {
    if (depth > MAX_DEPTH) {
      throw new FilterError(`filters must not be nested more than ${MAX_DEPTH} levels deep`);
    }
    return conjunction(Object.entries(filter).flatMap(([key, value]) => this.entry(key, value, depth)));
  }

  private entry(key: string, value: unknown, depth: number): FilterNode[] {
    switch (key) {
      case 'AND':
        return [{ kind: 'and', children: this.list(key, value, depth) }];
      case 'OR':
        return [{ kind: 'or', children: this.list(key, value, depth) }];
      case 'NOT':
        if (isPlainObject(value)) {
          return [not(this.filter(value, depth + 1))];
        }
        // A list means none of its elements matches.
        if (Array.isArray(value)) {
          return [not(disjunction(this.list(key, value, depth)))];
        }
        throw new FilterError('NOT must be a filter object or a non-empty list of filter objects');
      default:
        return this.count(fieldConditions(key, value));
    }
  }

  private list(key: string, value: unknown, depth: number): FilterNode[] {
    if (!Array.isArray(value) || value.length === 0 || !value.every(isPlainObject)) {
      throw new FilterError(`${key} must be a non-empty list of filter objects`);
    }
    return value.map((element) => this.filter(element, depth + 1));
  }

  private count(conditions: FilterNode[]): FilterNode[] {
    this.leaves += conditions.length;
    if (this.leaves > MAX_LEAVES) {
      throw new FilterError(`filters must not have more than ${MAX_LEAVES} conditions`);
    }
    return conditions;
  }
}
