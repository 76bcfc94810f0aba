import { FilterError } from './filter.types';

export const OPERATORS = ['eq', 'ne', 'in', 'gt', 'gte', 'lt', 'lte', 'contains', 'icontains'] as const;
export type Operator = (typeof OPERATORS)[number];

export interface ClauseSpec {
  /** Operators accepted in an operator object. */
  ops: readonly Operator[];
  /** What a bare value (or list) means. */
  bare: Operator;
}

/** One `op: value` pair; `subject` names it in error messages (`user_id`, `"in" on user_id`). */
export interface Condition {
  op: Operator;
  value: unknown;
  subject: string;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The conditions of one field's clause; several operators in one object are ANDed by the caller. */
export function splitClause(field: string, clause: unknown, spec: ClauseSpec): Condition[] {
  if (!isPlainObject(clause)) {
    return [{ op: spec.bare, value: clause, subject: field }];
  }
  const entries = Object.entries(clause);
  if (entries.length === 0) {
    throw new FilterError(`${field} has an empty operator object`);
  }
  return entries.map(([op, value]) => {
    if (!(spec.ops as readonly string[]).includes(op)) {
      throw unsupportedOperator(field, op, spec);
    }
    return { op: op as Operator, value, subject: `"${op}" on ${field}` };
  });
}

function unsupportedOperator(field: string, op: string, spec: ClauseSpec): FilterError {
  let hint = '';
  if (op === 'nin' && spec.ops.includes('in')) {
    hint = `; use {"NOT": {"${field}": {"in": [...]}}}`;
  } else if (op === 'eq' && spec.bare === 'eq') {
    hint = '; use a bare value for equality';
  }
  return new FilterError(
    `Unsupported operator '${op}' for field '${field}'. Supported operators: ${spec.ops.join(', ')}${hint}`,
  );
}

export function nonEmptyString(value: unknown, subject: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new FilterError(`${subject} must be a non-empty string`);
  }
  return value;
}

export function nonEmptyList(value: unknown, subject: string, of: string): unknown[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new FilterError(`${subject} must be a non-empty list of ${of}`);
  }
  return value;
}

/** A non-empty list of strings; with `numbers`, numeric items are taken as their decimal text. */
export function stringList(value: unknown, subject: string, numbers = false): string[] {
  const items = nonEmptyList(value, subject, 'strings').map((item) =>
    numbers && typeof item === 'number' ? String(item) : item,
  );
  if (!items.every((item) => typeof item === 'string')) {
    throw new FilterError(`${subject} must be a non-empty list of strings`);
  }
  return items as string[];
}
