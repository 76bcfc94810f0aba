import { compileJsonSchema, InvalidSchemaError, JsonSchema } from '@app/ai';
import { AppError, ErrorCode, isObject } from '@app/core';

/** Only users carry profiles. */
export type ProfileEntityType = 'user';
export const PROFILE_ENTITY_TYPES: readonly ProfileEntityType[] = ['user'];

/** Memories a user needs before a profile is generated, automatically or on request. */
export const PROFILE_MIN_MEMORIES = 3;
/** An automatic rebuild once this many memories were added since the last generation. */
export const PROFILE_REBUILD_AFTER = 3;
export const SAMPLE_DEFAULT = 5;
export const SAMPLE_MAX = 10;
const IDEMPOTENCY_KEY = { min: 8, max: 128 };
/** Schemas are untrusted input compiled into validators: keep them to a sane size. */
const MAX_SCHEMA_BYTES = 64 * 1024;
const MAX_INSTRUCTIONS = 10_000;

/** What a project without a schema of its own gets. */
export const DEFAULT_USER_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    name: { type: ['string', 'null'], description: "The user's name, as they gave it." },
    location: { type: ['string', 'null'], description: 'Where the user lives or is based.' },
    occupation: { type: ['string', 'null'], description: "The user's job, role or field of study." },
    interests: {
      type: 'array',
      items: { type: 'string' },
      description: 'Hobbies, topics and activities the user enjoys.',
    },
    preferences: {
      type: 'array',
      items: { type: 'string' },
      description: 'How the user likes things: food, tools, communication style, likes and dislikes.',
    },
    goals: { type: 'array', items: { type: 'string' }, description: 'What the user is working towards or plans.' },
  },
};

export interface SettingsUpdate {
  enabled?: boolean;
  user?: { schema?: JsonSchema | null; customInstructions?: string | null };
}

export type JobRequest =
  | { operation: 'trigger'; entityType: ProfileEntityType; entityId: string }
  | { operation: 'sample'; entityType: ProfileEntityType; limit: number };

const bad = (detail: string) => AppError.detail(ErrorCode.BadRequest, detail);

/** Only the keys present are written; misplaced or unknown keys are refused rather than silently dropped. */
export function parseSettingsUpdate(body: unknown): SettingsUpdate {
  const input = isObject(body) ? body : {};
  const unknown = Object.keys(input).filter((key) => key !== 'enabled' && key !== 'entities');
  if (unknown.length > 0) {
    throw bad(
      `Unsupported settings: ${unknown.join(', ')}. Only enabled is project-wide; ` +
        'schema and custom_instructions go under entities.user.',
    );
  }
  const update: SettingsUpdate = {};
  if ('enabled' in input) {
    if (typeof input.enabled !== 'boolean') {
      throw bad('enabled must be true or false.');
    }
    update.enabled = input.enabled;
  }
  if ('entities' in input) {
    if (!isObject(input.entities)) {
      throw bad('entities must be an object keyed by entity type (user).');
    }
    const types = Object.keys(input.entities).filter((type) => type !== 'user');
    if (types.length > 0) {
      throw bad(`Unsupported entity type: ${types.join(', ')}. Profiles exist for users only.`);
    }
    if ('user' in input.entities) {
      update.user = parseEntitySettings(input.entities.user);
    }
  }
  return update;
}

function parseEntitySettings(raw: unknown): NonNullable<SettingsUpdate['user']> {
  if (!isObject(raw)) {
    throw bad('entities.user must be an object with schema and/or custom_instructions.');
  }
  const unknown = Object.keys(raw).filter((key) => key !== 'schema' && key !== 'custom_instructions');
  if (unknown.length > 0) {
    throw bad(`Unsupported settings: entities.user.${unknown.join(', entities.user.')}.`);
  }
  const settings: NonNullable<SettingsUpdate['user']> = {};
  if ('schema' in raw) {
    settings.schema = raw.schema === null ? null : checkProfileSchema(raw.schema);
  }
  if ('custom_instructions' in raw) {
    const text = raw.custom_instructions;
    if (text !== null && typeof text !== 'string') {
      throw bad('entities.user.custom_instructions must be a string or null.');
    }
    if (typeof text === 'string' && text.length > MAX_INSTRUCTIONS) {
      throw bad(`entities.user.custom_instructions: at most ${MAX_INSTRUCTIONS} characters.`);
    }
    settings.customInstructions = text?.trim() || null;
  }
  return settings;
}

/** An object-rooted JSON Schema that compiles, whose every property says what it is for. */
export function checkProfileSchema(raw: unknown): JsonSchema {
  if (!isObject(raw) || JSON.stringify(raw).length > MAX_SCHEMA_BYTES) {
    throw bad(`Invalid schema: expected a JSON Schema object of at most ${MAX_SCHEMA_BYTES / 1024} KB.`);
  }
  const type = raw.type;
  if (type !== undefined && type !== 'object') {
    throw bad('Invalid schema: a profile is an object, so the schema needs "type": "object".');
  }
  if (!isObject(raw.properties) || Object.keys(raw.properties).length === 0) {
    throw bad('Invalid schema: it needs at least one property under "properties".');
  }
  const undescribed = undescribedProperties(raw.properties, '');
  if (undescribed.length > 0) {
    throw bad(`Invalid schema: every property needs a description; missing on ${undescribed.join(', ')}.`);
  }
  try {
    compileJsonSchema(raw);
  } catch (error) {
    if (error instanceof InvalidSchemaError) {
      throw bad(`Invalid schema: ${error.message}`);
    }
    throw error;
  }
  return raw;
}

/** Dotted paths of properties (nested objects and array items included) without a non-empty description. */
function undescribedProperties(properties: Record<string, unknown>, prefix: string): string[] {
  return Object.entries(properties).flatMap(([name, property]) => {
    const path = `${prefix}${name}`;
    if (!isObject(property)) {
      return [path];
    }
    const own = typeof property.description === 'string' && property.description.trim() ? [] : [path];
    const items = isObject(property.items) ? property.items : {};
    const nested = [property.properties, items.properties].filter(isObject);
    return [...own, ...nested.flatMap((inner) => undescribedProperties(inner, `${path}.`))];
  });
}

/** The Idempotency-Key generation requests must carry, so that a retried request never starts a second job. */
export function checkIdempotencyKey(header: unknown): void {
  if (typeof header !== 'string' || header.length < IDEMPOTENCY_KEY.min || header.length > IDEMPOTENCY_KEY.max) {
    throw bad(
      `An Idempotency-Key header of ${IDEMPOTENCY_KEY.min} to ${IDEMPOTENCY_KEY.max} characters is required ` +
        '(a UUID is a good choice): retrying with the same key returns the same job.',
    );
  }
}

/** `operation` may be left out when `entity_id` names the one entity: that is a trigger. */
export function parseJobRequest(body: unknown): JobRequest {
  const input = isObject(body) ? body : {};
  const entityId = input.entity_id;
  const operation = input.operation ?? (entityId !== undefined ? 'trigger' : undefined);
  if (operation !== 'trigger' && operation !== 'sample') {
    throw bad('operation must be "trigger" (one entity, by entity_id) or "sample" (a few entities).');
  }
  if (input.entity_type !== 'user') {
    throw bad(
      input.entity_type === undefined
        ? 'entity_type is required: "user".'
        : 'entity_type must be "user": profiles exist for users only.',
    );
  }
  if (operation === 'trigger') {
    if (typeof entityId !== 'string' || entityId.trim() === '') {
      throw bad('entity_id is required for a trigger: the user whose profile to generate.');
    }
    return { operation, entityType: 'user', entityId };
  }
  const limit = input.limit ?? SAMPLE_DEFAULT;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > SAMPLE_MAX) {
    throw bad(`limit must be an integer from 1 to ${SAMPLE_MAX}.`);
  }
  return { operation, entityType: 'user', limit };
}
