import { pythonLiteralAsJson } from './python-literal';

describe('pythonLiteralAsJson', () => {
  it.each([
    ["{'user_id': 'alice'}", { user_id: 'alice' }],
    [
      "{'AND': [{'user_id': 'a'}, {'metadata': {'n': 1.5, 'ok': True, 'x': None}}]}",
      {
        AND: [{ user_id: 'a' }, { metadata: { n: 1.5, ok: true, x: null } }],
      },
    ],
    [`{'text': "it's \\"quoted\\"", 'path': 'a\\\\b'}`, { text: 'it\'s "quoted"', path: 'a\\b' }],
    ['{"user_id": "already json"}', { user_id: 'already json' }],
    ["{'score': 1e-05, 'n': -3}", { score: 0.00001, n: -3 }],
  ])('reads %s', (text, expected) => {
    expect(JSON.parse(pythonLiteralAsJson(text)!)).toEqual(expected);
  });

  it.each(["{'unterminated: 1}", "{'call': print('x')}", '{user_id: 1}'])('refuses %s', (text) => {
    expect(pythonLiteralAsJson(text)).toBeNull();
  });
});
