import { not } from './filter-nodes';
import { FilterError, FilterNode, JsonValue } from './filter.types';
import { ClauseSpec, Condition, isPlainObject, nonEmptyString, OPERATORS, splitClause } from './operators';

const METADATA: ClauseSpec = { ops: ['eq', 'ne', 'contains', 'icontains'], bare: 'eq' };

/** `{"metadata": {"k": v, ...}}`: every key must match. */
export function metadataClause(key: string, clause: unknown): FilterNode[] {
  if (!isPlainObject(clause)) {
    throw new FilterError(`${key} must be an object of metadata key conditions`);
  }
  return Object.entries(clause).flatMap(([name, condition]) => metadataKeyClause(name, condition, `${key}.${name}`));
}

/** One top-level metadata key (a `.` in `name` is part of the key: nested paths are not supported). */
export function metadataKeyClause(name: string, clause: unknown, label: string): FilterNode[] {
  const conditions: Condition[] = looksLikeOperators(clause)
    ? splitClause(label, clause, METADATA)
    : [{ op: 'eq', value: clause, subject: label }];
  return conditions.map(({ op, value, subject }): FilterNode => {
    const equals: FilterNode = { kind: 'metadata', key: name, op: 'eq', value: value as JsonValue };
    switch (op) {
      case 'ne':
        return not(equals);
      case 'contains':
        return { kind: 'metadata', key: name, op, value: containsNeedle(value, subject) };
      case 'icontains':
        return { kind: 'metadata', key: name, op, value: nonEmptyString(value, subject) };
      default:
        return equals;
    }
  });
}

/**
 * A metadata value may itself be an object, compared for equality; it is read as operators when any
 * key is an operator or looks like one (`nin`, `$gt`, `>=`), so that those get a 400 rather than
 * silently matching nothing.
 */
function looksLikeOperators(clause: unknown): clause is Record<string, unknown> {
  return (
    isPlainObject(clause) &&
    Object.keys(clause).some(
      (key) => (OPERATORS as readonly string[]).includes(key) || key === 'nin' || /^(\$|[^\w\s]+$)/.test(key),
    )
  );
}

/** A string is a substring of a string value or an element of an array; numbers and booleans are elements. */
function containsNeedle(value: unknown, subject: string): string | number | boolean {
  if (typeof value === 'number' || typeof value === 'boolean') {
    return value;
  }
  if (typeof value === 'string' && value !== '') {
    return value;
  }
  throw new FilterError(`${subject} must be a non-empty string, a number or a boolean`);
}
