import { FilterError } from './filter.types';
import { parseFilter } from './parse-filter';

const ALLOW_LIST =
  "Top-level key must be a logical operator or an allowed field: ['AND', 'OR', 'NOT', 'user_id', 'agent_id', 'app_id', 'run_id', 'created_at', 'updated_at', 'timestamp', 'expiration_date', 'text', 'categories', 'metadata', 'keywords_search', 'memory_ids', 'keywords']";

const nested = (levels: number): Record<string, unknown> =>
  levels === 1 ? { user_id: 'u' } : { AND: [nested(levels - 1)] };

const error = (filters: unknown): string => {
  try {
    parseFilter(filters);
  } catch (thrown) {
    expect(thrown).toBeInstanceOf(FilterError);
    return (thrown as FilterError).message;
  }
  throw new Error('expected a FilterError');
};

describe('parseFilter', () => {
  it('normalises aliases, ne and NOT lists onto the AST', () => {
    expect(parseFilter({ userId: 'u', timestamp: { ne: '2024-01-01' }, NOT: [{ run_id: 'r' }] })).toEqual({
      kind: 'and',
      children: [
        { kind: 'entity', field: 'user_id', op: 'eq', value: 'u' },
        {
          kind: 'not',
          child: {
            kind: 'date',
            field: 'created_at',
            op: 'eq',
            value: { iso: '2024-01-01T00:00:00Z', wholeDay: true },
          },
        },
        { kind: 'not', child: { kind: 'entity', field: 'run_id', op: 'eq', value: 'r' } },
      ],
    });
  });

  it('reads an object value with no operator keys as metadata equality', () => {
    expect(parseFilter({ metadata: { place: { city: 'Paris' } } })).toEqual({
      kind: 'metadata',
      key: 'place',
      op: 'eq',
      value: { city: 'Paris' },
    });
  });

  it('accepts paired surrogates (emoji)', () => {
    expect(parseFilter({ keywords: '\u{1F600}' })).toEqual({ kind: 'text', op: 'icontains', value: '\u{1F600}' });
  });

  it('accepts 10 levels and 100 conditions', () => {
    expect(() => parseFilter(nested(10))).not.toThrow();
    const hundred = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, i]));
    expect(() => parseFilter({ metadata: hundred })).not.toThrow();
  });

  it.each<[string, unknown, string]>([
    ['unknown root key', { foo: 1 }, ALLOW_LIST],
    ['unknown nested key', { AND: [{ user_id: 'u' }, { OR: [{ bogus: 1 }] }] }, ALLOW_LIST],
    ['unknown key under NOT', { NOT: { user: 'u' } }, ALLOW_LIST],
    ['inherited property name', { toString: 'x' }, ALLOW_LIST],
    ['array root', [{ user_id: 'u' }], 'filters must be a JSON object'],
    ['null root', null, 'filters must be a JSON object'],
    ['string root', 'user_id=u', 'filters must be a JSON object'],
    ['empty AND', { AND: [] }, 'AND must be a non-empty list of filter objects'],
    ['empty OR', { OR: [] }, 'OR must be a non-empty list of filter objects'],
    ['OR object', { OR: { user_id: 'u' } }, 'OR must be a non-empty list of filter objects'],
    ['AND of strings', { AND: ['user_id'] }, 'AND must be a non-empty list of filter objects'],
    ['empty NOT list', { NOT: [] }, 'NOT must be a non-empty list of filter objects'],
    ['NOT string', { NOT: 'u' }, 'NOT must be a filter object or a non-empty list of filter objects'],
    ['depth 11', nested(11), 'filters must not be nested more than 10 levels deep'],
    [
      '101 leaves',
      { OR: Array.from({ length: 101 }, (_, i) => ({ user_id: `u${i}` })) },
      'filters must not have more than 100 conditions',
    ],
    [
      'nin',
      { user_id: { nin: ['a'] } },
      `Unsupported operator 'nin' for field 'user_id'. Supported operators: eq, ne, in; use {"NOT": {"user_id": {"in": [...]}}}`,
    ],
    [
      '$gt',
      { created_at: { $gt: '2024-01-01' } },
      "Unsupported operator '$gt' for field 'created_at'. Supported operators: gt, gte, lt, lte, ne, in",
    ],
    [
      '>=',
      { created_at: { '>=': '2024-01-01' } },
      "Unsupported operator '>=' for field 'created_at'. Supported operators: gt, gte, lt, lte, ne, in",
    ],
    [
      '$in',
      { agent_id: { $in: ['a'] } },
      "Unsupported operator '$in' for field 'agent_id'. Supported operators: eq, ne, in",
    ],
    [
      'eq on created_at',
      { created_at: { eq: '2024-01-01' } },
      "Unsupported operator 'eq' for field 'created_at'. Supported operators: gt, gte, lt, lte, ne, in; use a bare value for equality",
    ],
    [
      'gt on an entity',
      { user_id: { gt: 'a' } },
      "Unsupported operator 'gt' for field 'user_id'. Supported operators: eq, ne, in",
    ],
    [
      'eq on categories',
      { categories: { eq: 'a' } },
      "Unsupported operator 'eq' for field 'categories'. Supported operators: in, contains",
    ],
    [
      'ne on categories',
      { categories: { ne: 'a' } },
      "Unsupported operator 'ne' for field 'categories'. Supported operators: in, contains",
    ],
    [
      'gt on metadata',
      { metadata: { n: { gt: 1 } } },
      "Unsupported operator 'gt' for field 'metadata.n'. Supported operators: eq, ne, contains, icontains",
    ],
    [
      'in on dotted metadata',
      { 'metadata.n': { in: [1] } },
      "Unsupported operator 'in' for field 'metadata.n'. Supported operators: eq, ne, contains, icontains",
    ],
    [
      '$gt on metadata',
      { metadata: { n: { $gt: 1 } } },
      "Unsupported operator '$gt' for field 'metadata.n'. Supported operators: eq, ne, contains, icontains",
    ],
    [
      'eq on keywords',
      { keywords: { eq: 'x' } },
      "Unsupported operator 'eq' for field 'keywords'. Supported operators: contains, icontains",
    ],
    ['empty operator object', { user_id: {} }, 'user_id has an empty operator object'],
    ['boolean entity', { user_id: true }, 'user_id must be a string'],
    ['null entity', { user_id: null }, 'user_id must be a string'],
    ['object entity via eq', { user_id: { eq: { a: 1 } } }, '"eq" on user_id must be a string'],
    ['list entity', { run_id: ['a'] }, 'run_id must be a string'],
    ['in with a string', { user_id: { in: 'alice' } }, '"in" on user_id must be a non-empty list of strings'],
    ['empty in', { user_id: { in: [] } }, '"in" on user_id must be a non-empty list of strings'],
    ['in with null', { user_id: { in: ['a', null] } }, '"in" on user_id must be a non-empty list of strings'],
    ['wildcard in a list', { user_id: { in: ['a', '*'] } }, '"in" on user_id cannot contain "*"'],
    [
      'bad date',
      { created_at: { gte: '2024-13-01' } },
      '"gte" on created_at must be a date (YYYY-MM-DD or ISO 8601 datetime), got "2024-13-01"',
    ],
    [
      'February 30',
      { created_at: '2024-02-30' },
      'created_at must be a date (YYYY-MM-DD or ISO 8601 datetime), got "2024-02-30"',
    ],
    [
      'bad time',
      { updated_at: { lt: '2024-01-01T25:00:00Z' } },
      '"lt" on updated_at must be a date (YYYY-MM-DD or ISO 8601 datetime), got "2024-01-01T25:00:00Z"',
    ],
    [
      'free text date',
      { timestamp: 'yesterday' },
      'timestamp must be a date (YYYY-MM-DD or ISO 8601 datetime), got "yesterday"',
    ],
    [
      'date in non-list',
      { expiration_date: { in: '2024-01-01' } },
      '"in" on expiration_date must be a non-empty list of dates',
    ],
    ['categories string', { categories: 'work' }, 'categories must be a non-empty list of strings'],
    ['categories in numbers', { categories: { in: [1] } }, '"in" on categories must be a non-empty list of strings'],
    [
      'categories contains list',
      { categories: { contains: ['a'] } },
      '"contains" on categories must be a non-empty string',
    ],
    ['metadata string', { metadata: 'x' }, 'metadata must be an object of metadata key conditions'],
    ['metadata list', { metadata: [{ a: 1 }] }, 'metadata must be an object of metadata key conditions'],
    [
      'metadata contains object',
      { metadata: { a: { contains: {} } } },
      '"contains" on metadata.a must be a non-empty string, a number or a boolean',
    ],
    [
      'metadata icontains number',
      { metadata: { a: { icontains: 1 } } },
      '"icontains" on metadata.a must be a non-empty string',
    ],
    ['empty keywords', { keywords: '' }, 'keywords must be a non-empty string'],
    ['keywords number', { text: { contains: 5 } }, '"contains" on text must be a non-empty string'],
    ['NUL in a value', { user_id: 'a\u0000' }, 'filters must not contain NUL characters or unpaired surrogates'],
    [
      'unpaired surrogate deep in metadata',
      { metadata: { k: [{ x: '\ud800' }] } },
      'filters must not contain NUL characters or unpaired surrogates',
    ],
    ['NUL in a key', { metadata: { 'k\u0000': 1 } }, 'filters must not contain NUL characters or unpaired surrogates'],
    ['non-uuid memory id', { memory_ids: ['abc'] }, 'memory_ids must be a list of UUIDs'],
    [
      'memory_ids string',
      { memory_ids: { in: '6f1c1b9e-8a57-4b7e-9c1e-3f4a5b6c7d8e' } },
      'memory_ids must be a list of UUIDs',
    ],
  ])('rejects %s', (_name, filters, message) => {
    expect(error(filters)).toBe(message);
  });
});
