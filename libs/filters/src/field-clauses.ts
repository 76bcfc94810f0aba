import { isUuid } from '@app/core';
import { parseDateValue } from './dates';
import { disjunction, not } from './filter-nodes';
import { DateField, DateOp, EntityField, FilterError, FilterNode } from './filter.types';
import { metadataClause, metadataKeyClause } from './metadata-clause';
import { ClauseSpec, nonEmptyList, nonEmptyString, splitClause, stringList } from './operators';

/** The filter language's top-level keys, in the order the platform's 400 message lists them. */
export const FILTER_KEYS = [
  'AND',
  'OR',
  'NOT',
  'user_id',
  'agent_id',
  'app_id',
  'run_id',
  'created_at',
  'updated_at',
  'timestamp',
  'expiration_date',
  'text',
  'categories',
  'metadata',
  'keywords_search',
  'memory_ids',
  'keywords',
] as const;

const UNKNOWN_KEY = `Top-level key must be a logical operator or an allowed field: [${FILTER_KEYS.map((key) => `'${key}'`).join(', ')}]`;

const ENTITY: ClauseSpec = { ops: ['eq', 'ne', 'in'], bare: 'eq' };
const DATE: ClauseSpec = { ops: ['gt', 'gte', 'lt', 'lte', 'ne', 'in'], bare: 'eq' };
const CATEGORIES: ClauseSpec = { ops: ['in', 'contains'], bare: 'in' };
const TEXT: ClauseSpec = { ops: ['contains', 'icontains'], bare: 'icontains' };
const IDS: ClauseSpec = { ops: ['in'], bare: 'in' };
const METADATA_PREFIX = 'metadata.';

/** One field's leaf conditions (to be ANDed), named by `key` as the caller wrote it. */
type FieldParser = (key: string, clause: unknown) => FilterNode[];

const FIELDS: Record<string, FieldParser> = {
  user_id: entityClause('user_id'),
  userId: entityClause('user_id'),
  agent_id: entityClause('agent_id'),
  agentId: entityClause('agent_id'),
  app_id: entityClause('app_id'),
  appId: entityClause('app_id'),
  run_id: entityClause('run_id'),
  runId: entityClause('run_id'),
  created_at: dateClause('created_at'),
  timestamp: dateClause('created_at'),
  updated_at: dateClause('updated_at'),
  expiration_date: dateClause('expiration_date'),
  categories: categoriesClause,
  metadata: metadataClause,
  text: textClause,
  keywords: textClause,
  keywords_search: textClause,
  memory_ids: idsClause,
};

/** The conditions of a non-logical key; unknown keys get the platform's allow-list 400. */
export function fieldConditions(key: string, clause: unknown): FilterNode[] {
  if (key.startsWith(METADATA_PREFIX)) {
    return metadataKeyClause(key.slice(METADATA_PREFIX.length), clause, key);
  }
  const parse = Object.hasOwn(FIELDS, key) ? FIELDS[key] : undefined;
  if (!parse) {
    throw new FilterError(UNKNOWN_KEY);
  }
  return parse(key, clause);
}

function entityClause(field: EntityField): FieldParser {
  return (key, clause) =>
    splitClause(key, clause, ENTITY).map(({ op, value, subject }): FilterNode => {
      if (op === 'in') {
        return { kind: 'entity', field, op: 'in', values: entityList(value, subject) };
      }
      const text = entityValue(value, subject);
      const positive: FilterNode =
        text === '*' ? { kind: 'entity', field, op: 'exists' } : { kind: 'entity', field, op: 'eq', value: text };
      return op === 'ne' ? not(positive) : positive;
    });
}

/** Numbers are accepted as their decimal text, as the platform's ids are strings. */
function entityValue(value: unknown, subject: string): string {
  if (typeof value === 'number') {
    return String(value);
  }
  if (typeof value !== 'string') {
    throw new FilterError(`${subject} must be a string`);
  }
  return value;
}

function entityList(value: unknown, subject: string): string[] {
  const values = stringList(value, subject, true);
  if (values.includes('*')) {
    throw new FilterError(`${subject} cannot contain "*"`);
  }
  return values;
}

function dateClause(field: DateField): FieldParser {
  return (key, clause) =>
    splitClause(key, clause, DATE).map(({ op, value, subject }): FilterNode => {
      const equals = (item: unknown): FilterNode => ({
        kind: 'date',
        field,
        op: 'eq',
        value: parseDateValue(item, subject),
      });
      if (op === 'in') {
        return disjunction(nonEmptyList(value, subject, 'dates').map(equals));
      }
      if (op === 'ne') {
        return not(equals(value));
      }
      return { kind: 'date', field, op: op as DateOp, value: parseDateValue(value, subject) };
    });
}

function categoriesClause(key: string, clause: unknown): FilterNode[] {
  return splitClause(key, clause, CATEGORIES).map(({ op, value, subject }): FilterNode => {
    if (op === 'contains') {
      return { kind: 'categories', op, value: nonEmptyString(value, subject) };
    }
    return { kind: 'categories', op: 'in', values: stringList(value, subject) };
  });
}

function textClause(key: string, clause: unknown): FilterNode[] {
  return splitClause(key, clause, TEXT).map(({ op, value, subject }): FilterNode => ({
    kind: 'text',
    op: op === 'contains' ? 'contains' : 'icontains',
    value: nonEmptyString(value, subject),
  }));
}

/** An empty list is valid and matches nothing. */
function idsClause(key: string, clause: unknown): FilterNode[] {
  return splitClause(key, clause, IDS).map(({ value }): FilterNode => {
    if (!Array.isArray(value) || !value.every(isUuid)) {
      throw new FilterError('memory_ids must be a list of UUIDs');
    }
    return { kind: 'ids', values: value };
  });
}
