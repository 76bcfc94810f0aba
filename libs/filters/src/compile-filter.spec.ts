import { compileFilter } from './compile-filter';
import { parseFilter } from './parse-filter';

const compiled = (filters: unknown) => {
  const sql = compileFilter(parseFilter(filters));
  return { text: sql.text, values: sql.values };
};

describe('compileFilter', () => {
  it.each<[string, unknown, string, unknown[]]>([
    ['entity equality', { user_id: 'alice' }, 'm.user_id = $1::text', ['alice']],
    ['camelCase entity key', { agentId: 'bot' }, 'm.agent_id = $1::text', ['bot']],
    ['explicit eq', { app_id: { eq: 'app' } }, 'm.app_id = $1::text', ['app']],
    ['numeric entity value', { run_id: 42 }, 'm.run_id = $1::text', ['42']],
    ['entity ne includes nulls', { user_id: { ne: 'alice' } }, 'NOT COALESCE(m.user_id = $1::text, false)', ['alice']],
    ['entity in', { user_id: { in: ['a', 'b', 3] } }, 'm.user_id = ANY($1::text[])', [['a', 'b', '3']]],
    ['wildcard', { user_id: '*' }, 'm.user_id IS NOT NULL', []],
    ['ne wildcard', { agent_id: { ne: '*' } }, 'NOT COALESCE(m.agent_id IS NOT NULL, false)', []],
    [
      'date-only equality is the whole UTC day',
      { created_at: '2024-03-10' },
      '(m.created_at >= $1::timestamptz AND m.created_at < $2::timestamptz)',
      ['2024-03-10T00:00:00Z', '2024-03-11T00:00:00.000Z'],
    ],
    [
      'ISO equality is exact',
      { updated_at: '2024-03-10T12:30:00.123456+02:00' },
      'm.updated_at = $1::timestamptz',
      ['2024-03-10T12:30:00.123456+02:00'],
    ],
    [
      'ISO without offset is UTC',
      { created_at: { gt: '2024-03-10T12:30' } },
      'm.created_at > $1::timestamptz',
      ['2024-03-10T12:30Z'],
    ],
    [
      'range operators are ANDed',
      { timestamp: { gte: '2024-03-01', lte: '2024-03-31' } },
      '(m.created_at >= $1::timestamptz AND m.created_at <= $2::timestamptz)',
      ['2024-03-01T00:00:00Z', '2024-03-31T00:00:00Z'],
    ],
    [
      'Unix seconds',
      { created_at: { lt: 1700000000 } },
      'm.created_at < $1::timestamptz',
      ['2023-11-14T22:13:20.000Z'],
    ],
    [
      'date in',
      { created_at: { in: ['2024-03-10', '2024-03-12T00:00:00Z'] } },
      '((m.created_at >= $1::timestamptz AND m.created_at < $2::timestamptz) OR m.created_at = $3::timestamptz)',
      ['2024-03-10T00:00:00Z', '2024-03-11T00:00:00.000Z', '2024-03-12T00:00:00Z'],
    ],
    [
      'date ne',
      { created_at: { ne: '2024-03-10' } },
      'NOT COALESCE((m.created_at >= $1::timestamptz AND m.created_at < $2::timestamptz), false)',
      ['2024-03-10T00:00:00Z', '2024-03-11T00:00:00.000Z'],
    ],
    [
      'expiration_date compares days',
      { expiration_date: { gte: '2024-03-10' } },
      "m.expiration_date >= ($1::timestamptz AT TIME ZONE 'UTC')::date",
      ['2024-03-10T00:00:00Z'],
    ],
    [
      'expiration_date equality',
      { expiration_date: '2024-03-10' },
      "m.expiration_date = ($1::timestamptz AT TIME ZONE 'UTC')::date",
      ['2024-03-10T00:00:00Z'],
    ],
    ['categories list', { categories: ['work', 'health'] }, 'm.categories && $1::text[]', [['work', 'health']]],
    ['categories in', { categories: { in: ['work'] } }, 'm.categories && $1::text[]', [['work']]],
    [
      'categories contains escapes LIKE characters',
      { categories: { contains: '50%_\\' } },
      'EXISTS (SELECT 1 FROM unnest(m.categories) AS category(name) WHERE category.name ILIKE $1::text)',
      ['%50\\%\\_\\\\%'],
    ],
    ['metadata scalar equality', { metadata: { topic: 'food' } }, 'm.metadata @> $1::jsonb', ['{"topic":"food"}']],
    ['metadata null equality', { metadata: { topic: null } }, 'm.metadata @> $1::jsonb', ['{"topic":null}']],
    [
      'metadata object equality is exact',
      { metadata: { place: { city: 'Paris' } } },
      '(m.metadata @> $1::jsonb AND m.metadata -> $2::text = $3::jsonb)',
      ['{"place":{"city":"Paris"}}', 'place', '{"city":"Paris"}'],
    ],
    [
      'several metadata keys',
      { metadata: { a: 1, b: true } },
      '(m.metadata @> $1::jsonb AND m.metadata @> $2::jsonb)',
      ['{"a":1}', '{"b":true}'],
    ],
    ['dotted metadata', { 'metadata.trip': 'x' }, 'm.metadata @> $1::jsonb', ['{"trip":"x"}']],
    ['dotted key is literal', { metadata: { 'a.b': 1 } }, 'm.metadata @> $1::jsonb', ['{"a.b":1}']],
    ['metadata eq operator', { metadata: { n: { eq: 3 } } }, 'm.metadata @> $1::jsonb', ['{"n":3}']],
    ['metadata ne', { metadata: { n: { ne: 3 } } }, 'NOT COALESCE(m.metadata @> $1::jsonb, false)', ['{"n":3}']],
    [
      'metadata contains a string',
      { metadata: { tags: { contains: 'a_b' } } },
      "((jsonb_typeof(m.metadata -> $1::text) = 'string' AND m.metadata ->> $2::text LIKE $3::text) OR m.metadata -> $4::text @> jsonb_build_array($5::jsonb))",
      ['tags', 'tags', '%a\\_b%', 'tags', '"a_b"'],
    ],
    [
      'metadata icontains',
      { metadata: { note: { icontains: 'X' } } },
      "((jsonb_typeof(m.metadata -> $1::text) = 'string' AND m.metadata ->> $2::text ILIKE $3::text) OR m.metadata -> $4::text @> jsonb_build_array($5::jsonb))",
      ['note', 'note', '%X%', 'note', '"X"'],
    ],
    [
      'metadata contains a number',
      { metadata: { ids: { contains: 7 } } },
      'm.metadata -> $1::text @> jsonb_build_array($2::jsonb)',
      ['ids', '7'],
    ],
    ['keywords bare is icontains', { keywords: 'Tea' }, 'm.memory ILIKE $1::text', ['%Tea%']],
    ['text contains', { text: { contains: 'Tea' } }, 'm.memory LIKE $1::text', ['%Tea%']],
    ['keywords_search icontains', { keywords_search: { icontains: '%' } }, 'm.memory ILIKE $1::text', ['%\\%%']],
    [
      'memory_ids list',
      { memory_ids: ['6f1c1b9e-8a57-4b7e-9c1e-3f4a5b6c7d8e'] },
      'm.id = ANY($1::uuid[])',
      [['6f1c1b9e-8a57-4b7e-9c1e-3f4a5b6c7d8e']],
    ],
    ['memory_ids in, empty', { memory_ids: { in: [] } }, 'm.id = ANY($1::uuid[])', [[]]],
    ['empty filter matches everything', {}, 'TRUE', []],
    [
      'implicit AND of sibling keys',
      { user_id: 'u', agent_id: 'a' },
      '(m.user_id = $1::text AND m.agent_id = $2::text)',
      ['u', 'a'],
    ],
    [
      'AND and OR siblings are both applied',
      { AND: [{ user_id: 'u' }, { run_id: 'r' }], OR: [{ app_id: 'x' }, { app_id: 'y' }] },
      '((m.user_id = $1::text AND m.run_id = $2::text) AND (m.app_id = $3::text OR m.app_id = $4::text))',
      ['u', 'r', 'x', 'y'],
    ],
    ['NOT object', { NOT: { user_id: 'u' } }, 'NOT COALESCE(m.user_id = $1::text, false)', ['u']],
    [
      'NOT list is none of',
      { NOT: [{ user_id: 'u' }, { agent_id: 'a' }] },
      'NOT COALESCE((m.user_id = $1::text OR m.agent_id = $2::text), false)',
      ['u', 'a'],
    ],
  ])('%s', (_name, filters, text, values) => {
    expect(compiled(filters)).toEqual({ text, values });
  });

  it('qualifies columns with the given alias', () => {
    expect(compileFilter(parseFilter({ user_id: 'u' }), 'mem').text).toBe('mem.user_id = $1::text');
  });

  it('refuses an alias that is not an identifier', () => {
    expect(() => compileFilter(parseFilter({ user_id: 'u' }), 'm; DROP TABLE x')).toThrow('Invalid table alias');
  });

  it('compiles an empty OR (built by hand) to FALSE', () => {
    expect(compileFilter({ kind: 'or', children: [] }).text).toBe('FALSE');
  });
});
