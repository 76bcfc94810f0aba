import { extractApiKey } from './credentials';

describe('extractApiKey', () => {
  it.each([
    [{ authorization: 'Token abc' }, 'abc'],
    [{ authorization: 'token abc ' }, 'abc'],
    [{ authorization: 'Bearer abc' }, 'abc'],
    [{ authorization: 'Api-Key abc' }, 'abc'],
    [{ 'x-api-key': ' abc ' }, 'abc'],
    [{ authorization: ['Token first', 'Token second'] }, 'first'],
    [{ authorization: 'Basic dXNlcg==', 'x-api-key': 'fallback' }, 'fallback'],
  ])('reads %j', (headers, expected) => {
    expect(extractApiKey(headers)).toBe(expected);
  });

  it.each([
    [{}],
    [{ authorization: 'Token' }],
    [{ authorization: 'Basic abc' }],
    [{ 'x-api-key': '' }],
    [{ authorization: 'Token a b' }],
  ])('finds no key in %j', (headers) => {
    expect(extractApiKey(headers)).toBeNull();
  });
});
