import { nextDay, parseDateValue } from './dates';
import { FilterError } from './filter.types';

describe('parseDateValue', () => {
  it.each<[unknown, string, boolean]>([
    ['2024-02-29', '2024-02-29T00:00:00Z', true],
    ['0001-01-01', '0001-01-01T00:00:00Z', true],
    ['2024-01-01T10:00:00Z', '2024-01-01T10:00:00Z', false],
    ['2024-01-01 10:00:00.123456', '2024-01-01 10:00:00.123456Z', false],
    ['2024-01-01T10:00+05:30', '2024-01-01T10:00+05:30', false],
    ['2024-01-01T10:00:00-0800', '2024-01-01T10:00:00-0800', false],
    [0, '1970-01-01T00:00:00.000Z', false],
    [1700000000.5, '2023-11-14T22:13:20.500Z', false],
  ])('reads %j', (input, iso, wholeDay) => {
    expect(parseDateValue(input, 'created_at')).toEqual({ iso, wholeDay });
  });

  it.each([
    '2023-02-29',
    '0000-01-01',
    '2024-1-1',
    '2024-01-01T24:00:00Z',
    '2024-01-01T10:60Z',
    '2024-01-01T10:00:60Z',
    '2024-01-01T10:00:00+16:00',
    '2024-01-01T10:00:00.1234567890Z',
    '2024-01-01T10:00:00 UTC',
    '',
    1e15,
    -1e12,
    true,
    null,
    ['2024-01-01'],
  ])('rejects %j', (input) => {
    expect(() => parseDateValue(input, 'created_at')).toThrow(FilterError);
  });
});

describe('nextDay', () => {
  it('is the following midnight UTC, across months and past year 9999', () => {
    expect(nextDay({ iso: '2024-02-29T00:00:00Z', wholeDay: true }).iso).toBe('2024-03-01T00:00:00.000Z');
    expect(nextDay({ iso: '9999-12-31T00:00:00Z', wholeDay: true }).iso).toBe('10000-01-01T00:00:00.000Z');
  });
});
