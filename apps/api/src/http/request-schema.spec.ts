import { RequestSchemaPipe, SchemaValidationError } from './request-schema';

const schema = {
  type: 'object',
  required: ['query', 'user_id'],
  properties: {
    query: { type: 'string' },
    user_id: { type: 'string', minLength: 1 },
    top_k: { type: 'integer', minimum: 1, default: 5 },
    metadata: { type: 'object' },
    messages: { type: 'array', items: { type: 'object', required: ['content'] } },
  },
};

function problems(pipe: RequestSchemaPipe, value: unknown) {
  try {
    pipe.transform(value);
  } catch (error) {
    expect(error).toBeInstanceOf(SchemaValidationError);
    return (error as SchemaValidationError).problems;
  }
  throw new Error('expected a validation error');
}

describe('RequestSchemaPipe', () => {
  const body = new RequestSchemaPipe(schema, 'body');
  const query = new RequestSchemaPipe(schema, 'query');

  it('fills defaults and keeps unknown keys, without touching the input', () => {
    const input = { query: 'q', user_id: 'u', extra: 1 };
    expect(body.transform(input)).toEqual({ query: 'q', user_id: 'u', top_k: 5, extra: 1 });
    expect(input).toEqual({ query: 'q', user_id: 'u', extra: 1 });
  });

  it('reports every problem with its location, as pydantic does', () => {
    expect(problems(body, { user_id: '', top_k: 'x', metadata: [], messages: [{}] })).toEqual(
      expect.arrayContaining([
        { type: 'missing', loc: ['body', 'query'], msg: 'Field required', input: expect.anything() },
        {
          type: 'string_too_short',
          loc: ['body', 'user_id'],
          msg: 'String should have at least 1 character',
          input: '',
        },
        { type: 'int_type', loc: ['body', 'top_k'], msg: 'Input should be a valid integer', input: 'x' },
        { type: 'dict_type', loc: ['body', 'metadata'], msg: 'Input should be a valid dictionary', input: [] },
        { type: 'missing', loc: ['body', 'messages', 0, 'content'], msg: 'Field required', input: {} },
      ]),
    );
  });

  it('refuses a missing or non-object body', () => {
    expect(problems(body, undefined)).toEqual([{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }]);
    expect(problems(body, ['a'])[0]).toMatchObject({ type: 'model_attributes_type', loc: ['body'] });
  });

  it('coerces query strings to the declared types and says when it cannot', () => {
    expect(query.transform({ query: 'q', user_id: 'u', top_k: '7' })).toMatchObject({ top_k: 7 });
    expect(problems(query, { query: 'q', user_id: 'u', top_k: 'seven' })).toEqual([
      expect.objectContaining({ type: 'int_parsing', loc: ['query', 'top_k'] }),
    ]);
    expect(problems(query, { query: 'q', user_id: 'u', top_k: '0' })).toEqual([
      expect.objectContaining({ type: 'greater_than_equal', loc: ['query', 'top_k'] }),
    ]);
  });
});
