import { AppError } from '@app/core';
import { checkIdempotencyKey, checkProfileSchema, parseJobRequest, parseSettingsUpdate } from './profile-rules';

const detailOf = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) {
      return error.message;
    }
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('profile settings updates', () => {
  const schema = { type: 'object', properties: { homeCity: { type: 'string', description: 'Where they live' } } };

  it('keeps only the keys given, the schema verbatim, blank instructions as null', () => {
    expect(parseSettingsUpdate({})).toEqual({});
    expect(parseSettingsUpdate({ enabled: false })).toEqual({ enabled: false });
    expect(parseSettingsUpdate({ entities: { user: { schema, custom_instructions: '  ' } } })).toEqual({
      user: { schema, customInstructions: null },
    });
    expect(parseSettingsUpdate({ entities: { user: { schema: null } } })).toEqual({ user: { schema: null } });
  });

  it('refuses flat, unknown and mistyped settings', () => {
    expect(detailOf(() => parseSettingsUpdate({ schema, custom_instructions: 'x' }))).toMatch(
      /^Unsupported settings: schema, custom_instructions\. /,
    );
    expect(detailOf(() => parseSettingsUpdate({ entities: { user: { instructions: 'x' } } }))).toBe(
      'Unsupported settings: entities.user.instructions.',
    );
    expect(detailOf(() => parseSettingsUpdate({ entities: { agent: {} } }))).toMatch(/^Unsupported entity type: agent/);
    expect(detailOf(() => parseSettingsUpdate({ enabled: 'yes' }))).toBe('enabled must be true or false.');
    expect(detailOf(() => parseSettingsUpdate({ entities: { user: { custom_instructions: 3 } } }))).toMatch(
      /custom_instructions must be a string or null/,
    );
  });
});

describe('profile schemas', () => {
  it('names every property without a description, nested ones and array items included', () => {
    const schema = {
      type: 'object',
      properties: {
        name: { type: 'string', description: 'Their name' },
        age: { type: 'integer' },
        address: { type: 'object', description: 'Home', properties: { city: { type: 'string', description: ' ' } } },
        pets: {
          type: 'array',
          description: 'Pets',
          items: { type: 'object', properties: { kind: { type: 'string' } } },
        },
      },
    };
    expect(detailOf(() => checkProfileSchema(schema))).toBe(
      'Invalid schema: every property needs a description; missing on age, address.city, pets.kind.',
    );
  });

  it('refuses non-object roots, empty schemas and schemas that do not compile', () => {
    expect(detailOf(() => checkProfileSchema({ type: 'array', items: {} }))).toMatch(/needs "type": "object"/);
    expect(detailOf(() => checkProfileSchema({ type: 'object' }))).toMatch(/at least one property/);
    expect(detailOf(() => checkProfileSchema('{}'))).toMatch(/^Invalid schema: expected a JSON Schema object/);
    expect(detailOf(() => checkProfileSchema({ properties: { a: { type: 'strin', description: 'A' } } }))).toMatch(
      /^Invalid schema: schema is invalid/,
    );
  });
});

describe('generation requests', () => {
  it('reads a trigger (operation implied by entity_id) and a sample (limit 5 by default)', () => {
    expect(parseJobRequest({ entity_type: 'user', entity_id: 'alice' })).toEqual({
      operation: 'trigger',
      entityType: 'user',
      entityId: 'alice',
    });
    expect(parseJobRequest({ operation: 'sample', entity_type: 'user' })).toEqual({
      operation: 'sample',
      entityType: 'user',
      limit: 5,
    });
  });

  it('refuses what it cannot run', () => {
    expect(detailOf(() => parseJobRequest({ entity_type: 'user' }))).toMatch(/^operation must be/);
    expect(detailOf(() => parseJobRequest({ operation: 'sample' }))).toBe('entity_type is required: "user".');
    expect(detailOf(() => parseJobRequest({ operation: 'trigger', entity_type: 'user' }))).toMatch(/^entity_id is/);
    for (const limit of [0, 11, 2.5, '3']) {
      expect(detailOf(() => parseJobRequest({ operation: 'sample', entity_type: 'user', limit }))).toBe(
        'limit must be an integer from 1 to 10.',
      );
    }
  });

  it('requires an Idempotency-Key of 8 to 128 characters', () => {
    expect(() => checkIdempotencyKey('12345678')).not.toThrow();
    for (const key of [undefined, '1234567', 'x'.repeat(129)]) {
      expect(detailOf(() => checkIdempotencyKey(key))).toMatch(/^An Idempotency-Key header of 8 to 128 characters/);
    }
  });
});
