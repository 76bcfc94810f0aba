import { allOf, isEntityScoped } from './filter-nodes';
import { FilterNode } from './filter.types';
import { parseFilter } from './parse-filter';

describe('isEntityScoped', () => {
  it.each<[string, unknown, boolean]>([
    ['flat entity key', { user_id: 'alice' }, true],
    ['camelCase key', { runId: 'r' }, true],
    ['wildcard', { agent_id: '*' }, true],
    ['in', { app_id: { in: ['a', 'b'] } }, true],
    ['flat key next to other fields', { categories: ['x'], user_id: 'u' }, true],
    ['ne', { user_id: { ne: 'alice' } }, false],
    ['ne wildcard', { user_id: { ne: '*' } }, false],
    ['under NOT', { NOT: { user_id: 'alice' } }, false],
    ['under a NOT list', { NOT: [{ user_id: 'alice' }] }, false],
    ['no entity', { metadata: { a: 1 } }, false],
    ['empty filter', {}, false],
    ['OR with an unscoped branch', { OR: [{ user_id: 'u' }, { categories: ['x'] }] }, false],
    ['OR with every branch scoped (docs)', { OR: [{ user_id: 'u' }, { agent_id: 'a' }] }, true],
    ['AND with one scoped child', { AND: [{ categories: ['x'] }, { user_id: 'u' }] }, true],
    [
      'AND of app_id and an OR of wildcards (docs)',
      { AND: [{ app_id: 'x' }, { OR: [{ user_id: '*' }, { agent_id: '*' }] }] },
      true,
    ],
    ['AND of NOT and a filter field', { AND: [{ NOT: { user_id: 'u' } }, { keywords: 'k' }] }, false],
    ['OR sibling of a scoped key', { user_id: 'u', OR: [{ agent_id: 'a' }, { keywords: 'k' }] }, true],
  ])('%s', (_name, filters, scoped) => {
    expect(isEntityScoped(parseFilter(filters))).toBe(scoped);
  });
});

describe('allOf', () => {
  const user: FilterNode = { kind: 'entity', field: 'user_id', op: 'eq', value: 'u' };
  const ids: FilterNode = { kind: 'ids', values: [] };

  it('is null without nodes', () => {
    expect(allOf([])).toBeNull();
    expect(allOf([null, undefined])).toBeNull();
  });

  it('returns a single node as is', () => {
    expect(allOf([null, user])).toBe(user);
  });

  it('ANDs several nodes', () => {
    expect(allOf([user, undefined, ids])).toEqual({ kind: 'and', children: [user, ids] });
  });
});
