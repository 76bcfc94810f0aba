import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Expose, Transform } from 'class-transformer';
import { ValidateBy } from 'class-validator';
import { isWebhookEventType, normalizeEventType, WEBHOOK_EVENT_TYPES } from '../event-types';

/** DRF's wording, field by field (field-keyed errors). */
const REQUIRED = 'This field is required.';
const NOT_NULL = 'This field may not be null.';
export const INVALID_URL = 'Enter a valid URL.';

type Problem = (value: unknown) => string | null;

/** One validator per field whose message is the first problem found, as DRF reports it. */
function Check(name: string, problem: Problem) {
  return ValidateBy({
    name,
    validator: {
      validate: (value: unknown) => problem(value) === null,
      defaultMessage: (args) => problem(args?.value) ?? '',
    },
  });
}

const optional =
  (problem: Problem): Problem =>
  (value) =>
    value === undefined ? null : problem(value);

const PYTHON_TYPES: Record<string, string> = { string: 'str', number: 'int', boolean: 'bool', object: 'dict' };

/** Absent and null first (the same for every field), then the field's own rule. */
const present =
  (rule: Problem): Problem =>
  (value) =>
    value === undefined ? REQUIRED : value === null ? NOT_NULL : rule(value);

const nameProblem = present((value) =>
  typeof value !== 'string'
    ? 'Not a valid string.'
    : value.trim() === ''
      ? 'This field may not be blank.'
      : value.length > 255
        ? 'Ensure this field has no more than 255 characters.'
        : null,
);

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return ['http:', 'https:'].includes(url.protocol) && url.hostname !== '' && !url.username && !url.password;
  } catch {
    return false;
  }
}

const urlProblem = present((value) =>
  typeof value === 'string' && value.length <= 2000 && isHttpUrl(value) ? null : INVALID_URL,
);

const eventTypesProblem = present((value) => {
  if (!Array.isArray(value)) {
    return `Expected a list of items but got type "${PYTHON_TYPES[typeof value] ?? typeof value}".`;
  }
  const unknown = value.find((item) => !isWebhookEventType(item));
  if (value.length === 0) {
    return 'This list may not be empty.';
  }
  return unknown === undefined ? null : `"${String(unknown)}" is not a valid choice.`;
});

const isActiveProblem: Problem = (value) => (typeof value === 'boolean' ? null : 'Must be a valid boolean.');

const BOOLEANS: Record<string, boolean> = { true: true, false: false, '1': true, '0': false };
const toBoolean = ({ value }: { value: unknown }) =>
  typeof value === 'string' || typeof value === 'number' ? (BOOLEANS[String(value).toLowerCase()] ?? value) : value;

/** `event_types`, or the camelCase `eventTypes` of older TS clients, with colon names normalised. */
const toEventTypes = ({ value, obj }: { value: unknown; obj: Record<string, unknown> }) => {
  const raw = value === undefined ? obj.eventTypes : value;
  if (!Array.isArray(raw) || !raw.every(isWebhookEventType)) {
    return raw;
  }
  return [...new Set(raw.map((item) => normalizeEventType(item)))];
};

const EVENT_TYPES_DOC = {
  type: String,
  isArray: true,
  enum: [...WEBHOOK_EVENT_TYPES],
  description: 'Also accepted as `eventTypes`, and with colons (`memory:add`)',
};

export class CreateWebhookDto {
  @ApiProperty({ example: 'Memory Logger' })
  @Check('name', nameProblem)
  name: string;

  @ApiProperty({ example: 'https://your-app.com/webhook' })
  @Check('url', urlProblem)
  url: string;

  @ApiProperty({ ...EVENT_TYPES_DOC, example: ['memory_add', 'memory_update'] })
  @Expose()
  @Transform(toEventTypes)
  @Check('event_types', eventTypesProblem)
  event_types: string[];

  @ApiPropertyOptional({ default: true })
  @Transform(toBoolean)
  @Check('is_active', optional(isActiveProblem))
  is_active?: boolean;

  @ApiPropertyOptional({ description: 'Ignored: the project comes from the path (also accepted as `projectId`)' })
  project_id?: string;
}

/** Partial update: any of the fields, nothing required. */
export class UpdateWebhookDto {
  @ApiPropertyOptional()
  @Check('name', optional(nameProblem))
  name?: string;

  @ApiPropertyOptional()
  @Check('url', optional(urlProblem))
  url?: string;

  @ApiPropertyOptional(EVENT_TYPES_DOC)
  @Expose()
  @Transform(toEventTypes)
  @Check('event_types', optional(eventTypesProblem))
  event_types?: string[];

  @ApiPropertyOptional()
  @Transform(toBoolean)
  @Check('is_active', optional(isActiveProblem))
  is_active?: boolean;
}
