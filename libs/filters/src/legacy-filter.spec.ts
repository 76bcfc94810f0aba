import { compileFilter } from './compile-filter';
import { FilterError } from './filter.types';
import { legacyFilter } from './legacy-filter';

describe('legacyFilter', () => {
  it('is null when nothing is given', () => {
    expect(legacyFilter({})).toBeNull();
    expect(legacyFilter({ user_id: '', categories: [], metadata: {}, keywords: '' })).toBeNull();
  });

  it('ANDs entity ids, with "*" as IS NOT NULL', () => {
    expect(legacyFilter({ user_id: 'a', run_id: 'r', agent_id: '*' })).toEqual({
      kind: 'and',
      children: [
        { kind: 'entity', field: 'user_id', op: 'eq', value: 'a' },
        { kind: 'entity', field: 'agent_id', op: 'exists' },
        { kind: 'entity', field: 'run_id', op: 'eq', value: 'r' },
      ],
    });
  });

  it('maps categories, metadata and keywords', () => {
    const sql = compileFilter(legacyFilter({ categories: ['a', 'b'], metadata: { k: 'v' }, keywords: 'to play' })!);
    expect(sql.text).toBe('(m.categories && $1::text[] AND m.metadata @> $2::jsonb AND m.memory ILIKE $3::text)');
    expect(sql.values).toEqual([['a', 'b'], '{"k":"v"}', '%to play%']);
  });

  it('makes a YYYY-MM-DD end_date inclusive of that whole day', () => {
    const sql = compileFilter(legacyFilter({ start_date: '2024-01-01', end_date: '2024-01-31' })!);
    expect(sql.text).toBe('(m.created_at >= $1::timestamptz AND m.created_at < $2::timestamptz)');
    expect(sql.values).toEqual(['2024-01-01T00:00:00Z', '2024-02-01T00:00:00.000Z']);
  });

  it('keeps an ISO end_date exact', () => {
    const sql = compileFilter(legacyFilter({ end_date: '2024-01-31T12:00:00Z' })!);
    expect(sql.text).toBe('m.created_at <= $1::timestamptz');
    expect(sql.values).toEqual(['2024-01-31T12:00:00Z']);
  });

  it.each([
    [{ start_date: '31/01/2024' }, 'start_date must be a date (YYYY-MM-DD or ISO 8601 datetime), got "31/01/2024"'],
    [{ end_date: '2024-02-30' }, 'end_date must be a date (YYYY-MM-DD or ISO 8601 datetime), got "2024-02-30"'],
  ])('rejects %j', (params, message) => {
    expect(() => legacyFilter(params)).toThrow(new FilterError(message));
  });
});
