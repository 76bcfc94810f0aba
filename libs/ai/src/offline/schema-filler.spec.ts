import { compileJsonSchema } from '../json-schema';
import { HashEmbedder } from './hash-embedder';
import { OfflineLlmProvider } from './offline-llm.provider';

describe('offline schema filling (fillSchema)', () => {
  const provider = new OfflineLlmProvider(new HashEmbedder());
  // Newest first, as the export job passes them.
  const memories = [
    'Lives in Berlin',
    'Works as a software engineer at Acme',
    'Name is John Doe',
    'Is 34 years old',
    'Loves hiking on weekends',
    'Is vegetarian',
    'Email is john@example.com',
    'Lives in Paris',
    'Has a dog named Rex',
  ];

  /** A Pydantic v2 `model_json_schema()`: $defs, $ref, Optional as anyOf with null, titles. */
  const profile = {
    title: 'UserProfile',
    type: 'object',
    properties: {
      full_name: { title: 'Full Name', type: 'string' },
      city: { anyOf: [{ type: 'string' }, { type: 'null' }], default: null, description: 'Where the user lives' },
      age: { anyOf: [{ type: 'integer' }, { type: 'null' }], default: null, title: 'Age' },
      email: { anyOf: [{ type: 'string', format: 'email' }, { type: 'null' }], default: null },
      hobbies: { type: 'array', items: { type: 'string' }, title: 'Hobbies' },
      is_vegetarian: { anyOf: [{ type: 'boolean' }, { type: 'null' }], default: null },
      job: { anyOf: [{ $ref: '#/$defs/Job' }, { type: 'null' }], default: null },
      pets: { type: 'array', items: { $ref: '#/$defs/Pet' } },
      salary: { anyOf: [{ type: 'number' }, { type: 'null' }], default: null },
      favourite_color: { title: 'Favourite Color', type: 'string' },
    },
    required: ['full_name', 'hobbies', 'pets', 'favourite_color'],
    $defs: {
      Job: { type: 'object', properties: { company: { type: 'string' }, role: { type: 'string' } } },
      Pet: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
    },
  };

  it('fills a Pydantic-style schema from the relevant memories only, valid against the schema', async () => {
    const result = await provider.fillSchema({ schema: profile, memories });
    expect(result).toEqual({
      full_name: 'John Doe',
      // "Lives in Berlin" is newer than "Lives in Paris": the latest state wins.
      city: 'Berlin',
      age: 34,
      email: 'john@example.com',
      hobbies: ['hiking'],
      is_vegetarian: true,
      // "role" and "company" are both work words: the one memory about work fills each with its part.
      job: { company: 'Acme', role: 'software engineer' },
      pets: [{ name: 'Rex' }],
      salary: null,
      favourite_color: '',
    });
    expect(compileJsonSchema(profile)(result)).toBeNull();
  });

  it('is deterministic and gives null or empty values when there are no memories', async () => {
    expect(await provider.fillSchema({ schema: profile, memories })).toEqual(
      await provider.fillSchema({ schema: profile, memories: [...memories] }),
    );
    const empty = await provider.fillSchema({ schema: profile, memories: [] });
    expect(empty).toEqual({
      full_name: '',
      city: null,
      age: null,
      email: null,
      hobbies: [],
      is_vegetarian: null,
      job: null,
      pets: [],
      salary: null,
      favourite_color: '',
    });
    expect(compileJsonSchema(profile)(empty)).toBeNull();
  });

  it('states numbers and booleans only when a memory does, negations included', async () => {
    const schema = {
      type: 'object',
      properties: {
        is_vegetarian: { type: 'boolean' },
        likes_coffee: { type: 'boolean' },
        owns_car: { type: 'boolean' },
        height_cm: { type: 'integer', minimum: 50 },
        children: { type: 'integer', description: 'Number of children' },
      },
    };
    const result = await provider.fillSchema({
      schema,
      memories: ['Does not like coffee', 'Is vegetarian', 'Is 180 cm tall, height measured in 2020', 'Has two kids'],
    });
    // Nothing states a car or a number of children: those keys are left out (neither required nor nullable).
    expect(result).toEqual({ is_vegetarian: true, likes_coffee: false, height_cm: 180 });
  });

  it('fills enums with a value a memory names, string arrays with the top few, and keeps const', async () => {
    const schema = {
      type: 'object',
      properties: {
        kind: { const: 'profile' },
        diet: { enum: ['vegan', 'vegetarian', 'omnivore', null] },
        sports: { type: 'array', items: { type: 'string' }, maxItems: 2, description: 'Sports the user plays' },
        languages: { type: 'array', items: { enum: ['English', 'French', 'German'] } },
      },
    };
    const result = await provider.fillSchema({
      schema,
      memories: [
        'Plays tennis on Sundays',
        'Is vegetarian',
        'Speaks French and German',
        'Plays football',
        'Plays golf',
      ],
    });
    expect(result.kind).toBe('profile');
    expect(result.diet).toBe('vegetarian');
    expect(result.languages).toEqual(['French', 'German']);
    expect(result.sports).toEqual(['football', 'tennis']);
  });

  it('follows $ref chains and allOf wrappers without looping on recursive schemas', async () => {
    const schema = {
      type: 'object',
      properties: { person: { allOf: [{ $ref: '#/definitions/Person' }], description: 'The user' } },
      definitions: {
        Person: {
          type: 'object',
          properties: { name: { type: 'string' }, friend: { $ref: '#/definitions/Person' } },
        },
      },
    };
    const result = await provider.fillSchema({ schema, memories: ['Name is Ada'] });
    expect(result.person).toMatchObject({ name: 'Ada' });
  });

  it('reads values, not sentences, and fills arrays from memories that name the field another way', async () => {
    const schema = {
      type: 'object',
      properties: {
        favourite_city: { type: ['string', 'null'] },
        allergies: { type: 'array', items: { type: 'string' } },
        languages: { type: 'array', items: { type: 'string' } },
        employer: { type: ['string', 'null'] },
        summary: { type: ['string', 'null'], description: 'What the user does at work' },
      },
    };
    const result = await provider.fillSchema({
      schema,
      memories: [
        'My favourite city is Lisbon.',
        'Is allergic to peanuts and shellfish',
        'My cat is named Miso.',
        'Speaks French, German and Italian',
        'Works as a nurse at St Mary Hospital',
      ],
    });
    expect(result).toEqual({
      favourite_city: 'Lisbon',
      allergies: ['peanuts', 'shellfish'],
      languages: ['French', 'German', 'Italian'],
      employer: 'St Mary Hospital',
      // Prose fields keep the memory as it is.
      summary: 'Works as a nurse at St Mary Hospital',
    });
  });
});
