import { Prisma } from '@app/core';
import { nextDay } from './dates';
import { CategoriesNode, DateNode, EntityNode, FilterNode, MetadataNode } from './filter.types';

const ALIAS = /^[A-Za-z_][A-Za-z0-9_]*$/;
const COMPARISON = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

type Column = (name: string) => Prisma.Sql;

/**
 * Parameterised predicate over the `memories` table, columns qualified with `alias`. Every user value
 * is a bound parameter with an explicit cast; the parser has already checked it fits that cast.
 */
export function compileFilter(node: FilterNode, alias = 'm'): Prisma.Sql {
  if (!ALIAS.test(alias)) {
    throw new Error(`Invalid table alias: ${alias}`);
  }
  return compileNode(node, (name) => Prisma.raw(`${alias}.${name}`));
}

function compileNode(node: FilterNode, column: Column): Prisma.Sql {
  switch (node.kind) {
    case 'and':
      return junction(node.children, ' AND ', Prisma.sql`TRUE`, column);
    case 'or':
      return junction(node.children, ' OR ', Prisma.sql`FALSE`, column);
    case 'not':
      // NULL (a missing value) counts as "does not match", so the NOT of it matches: `ne` includes nulls.
      return Prisma.sql`NOT COALESCE(${compileNode(node.child, column)}, false)`;
    case 'entity':
      return entity(node, column(node.field));
    case 'date':
      return date(node, column(node.field));
    case 'categories':
      return categories(node, column('categories'));
    case 'metadata':
      return metadata(node, column('metadata'));
    case 'text':
      return Prisma.sql`${column('memory')} ${like(node.op)} ${likePattern(node.value)}::text`;
    case 'ids':
      return Prisma.sql`${column('id')} = ANY(${node.values}::uuid[])`;
  }
}

function junction(children: FilterNode[], separator: string, empty: Prisma.Sql, column: Column): Prisma.Sql {
  if (children.length === 0) {
    return empty;
  }
  return Prisma.join(
    children.map((child) => compileNode(child, column)),
    separator,
    '(',
    ')',
  );
}

function entity(node: EntityNode, column: Prisma.Sql): Prisma.Sql {
  switch (node.op) {
    case 'eq':
      return Prisma.sql`${column} = ${node.value}::text`;
    case 'in':
      return Prisma.sql`${column} = ANY(${node.values}::text[])`;
    case 'exists':
      return Prisma.sql`${column} IS NOT NULL`;
  }
}

/** `expiration_date` is a date: values are compared as their UTC day. */
function date(node: DateNode, column: Prisma.Sql): Prisma.Sql {
  const { op, value } = node;
  if (node.field === 'expiration_date') {
    return Prisma.sql`${column} ${Prisma.raw(COMPARISON[op])} (${value.iso}::timestamptz AT TIME ZONE 'UTC')::date`;
  }
  if (op === 'eq' && value.wholeDay) {
    return Prisma.sql`(${column} >= ${value.iso}::timestamptz AND ${column} < ${nextDay(value).iso}::timestamptz)`;
  }
  return Prisma.sql`${column} ${Prisma.raw(COMPARISON[op])} ${value.iso}::timestamptz`;
}

function categories(node: CategoriesNode, column: Prisma.Sql): Prisma.Sql {
  if (node.op === 'in') {
    return Prisma.sql`${column} && ${node.values}::text[]`;
  }
  return Prisma.sql`EXISTS (SELECT 1 FROM unnest(${column}) AS category(name) WHERE category.name ILIKE ${likePattern(node.value)}::text)`;
}

/**
 * Equality goes through `@>` so a GIN index on `metadata` can serve it; `@>` alone would also accept
 * a superset of an object or array value, hence the exact comparison for those.
 */
function metadata(node: MetadataNode, column: Prisma.Sql): Prisma.Sql {
  const { key, value } = node;
  const field = Prisma.sql`${column} -> ${key}::text`;
  if (node.op === 'eq') {
    const contains = Prisma.sql`${column} @> ${JSON.stringify({ [key]: value })}::jsonb`;
    if (value === null || typeof value !== 'object') {
      return contains;
    }
    return Prisma.sql`(${contains} AND ${field} = ${JSON.stringify(value)}::jsonb)`;
  }
  const element = Prisma.sql`${field} @> jsonb_build_array(${JSON.stringify(value)}::jsonb)`;
  if (typeof value !== 'string') {
    return element;
  }
  return Prisma.sql`((jsonb_typeof(${field}) = 'string' AND ${column} ->> ${key}::text ${like(node.op)} ${likePattern(value)}::text) OR ${element})`;
}

function like(op: 'contains' | 'icontains'): Prisma.Sql {
  return Prisma.raw(op === 'contains' ? 'LIKE' : 'ILIKE');
}

/** `%needle%` with the needle's pattern characters escaped (backslash is LIKE's default escape). */
function likePattern(needle: string): string {
  return `%${needle.replace(/[\\%_]/g, '\\$&')}%`;
}
