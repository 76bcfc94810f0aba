import { jsonNestsDeeperThan } from './json-depth';

describe('jsonNestsDeeperThan', () => {
  it.each([
    ['a scalar', '1', 0, false],
    ['flat object and array', '{"a": [1, 2]}', 2, false],
    ['one level too many', '{"a": [1, 2]}', 1, true],
    ['siblings do not add up', '[[1], [2], {"a": 3}]', 2, false],
    ['brackets inside strings', '{"a": "[[[{{{"}', 1, false],
    ['escaped quotes keep the string open', '{"a": "\\"[[[["}', 1, false],
    ['an escaped backslash closes nothing', '["\\\\", [[1]]]', 2, true],
    ['10,000 levels', `${'['.repeat(10_000)}${']'.repeat(10_000)}`, 64, true],
  ])('%s', (_name, text, max, expected) => {
    expect(jsonNestsDeeperThan(text, max)).toBe(expected);
  });
});
