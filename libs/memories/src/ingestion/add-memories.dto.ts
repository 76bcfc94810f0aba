import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { plainToInstance, Transform } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateBy,
  ValidateNested,
} from 'class-validator';

export const ADD_INVALID_MESSAGE =
  'Invalid input data. Please refer to the memory creation documentation at https://docs.mem0.ai/platform/quickstart#4-1-create-memories for correct formatting and required fields.';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

export class MessageDto {
  @ApiProperty({ enum: ['user', 'assistant', 'system'] })
  @IsIn(['user', 'assistant', 'system'])
  role: 'user' | 'assistant' | 'system';

  @ApiProperty({ description: 'Text, or a multimodal item `{type, <type>: {url}}`' })
  @ValidateBy({
    name: 'isMessageContent',
    validator: {
      validate: (value: unknown) => typeof value === 'string' || isPlainObject(value) || Array.isArray(value),
      defaultMessage: () => 'content must be a string or a content object',
    },
  })
  content: string | Record<string, unknown> | unknown[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  name?: string;
}

/** A bare string is one user message, a bare object one message (read raw: @Type would mangle a string). */
const toMessages = ({ obj, key }: { obj: Record<string, unknown>; key: string }) => {
  const raw = obj[key];
  const list = typeof raw === 'string' ? [{ role: 'user', content: raw }] : isPlainObject(raw) ? [raw] : raw;
  return Array.isArray(list)
    ? list.map((item) => (isPlainObject(item) ? plainToInstance(MessageDto, item) : item))
    : list;
};

const EntityId = () => [IsOptional(), IsString(), MinLength(1), MaxLength(255)];
function applyAll(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => decorators.forEach((decorator) => decorator(target, key));
}

/** Body of `POST /v3/memories/add/` and legacy `POST /v1/memories/`. */
export class AddMemoriesDto {
  @ApiProperty({ type: [MessageDto], description: 'A bare string is taken as one user message' })
  @Transform(toMessages)
  @IsArray()
  @ArrayNotEmpty()
  @ValidateNested({ each: true })
  messages: MessageDto[];

  @ApiPropertyOptional() @applyAll(...EntityId()) user_id?: string;
  @ApiPropertyOptional() @applyAll(...EntityId()) agent_id?: string;
  @ApiPropertyOptional() @applyAll(...EntityId()) app_id?: string;
  @ApiPropertyOptional() @applyAll(...EntityId()) run_id?: string;

  @ApiPropertyOptional({ description: 'Entity ids may also come here as flat equalities' })
  @IsOptional()
  @IsObject()
  filters?: Record<string, unknown>;

  @ApiPropertyOptional() @IsOptional() @IsObject() metadata?: Record<string, unknown> | null;

  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() infer?: boolean;

  @ApiPropertyOptional({ description: 'Legacy route only: false runs inline (default true)' })
  @IsOptional()
  @IsBoolean()
  async_mode?: boolean;

  @ApiPropertyOptional({ type: 'array', items: { type: 'object', additionalProperties: { type: 'string' } } })
  @IsOptional()
  custom_categories?: unknown;

  @ApiPropertyOptional() @IsOptional() @IsString() custom_instructions?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsString() agent_custom_instructions?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) includes?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) excludes?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() immutable?: boolean;

  @ApiPropertyOptional({ example: '2026-12-31' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  expiration_date?: string | null;

  @ApiPropertyOptional({ description: 'Unix seconds; back-dates the memories' })
  @IsOptional()
  @IsNumber()
  timestamp?: number;

  @ApiPropertyOptional({ enum: ['v1.0', 'v1.1'] }) @IsOptional() @IsIn(['v1.0', 'v1.1']) output_format?: string | null;

  @ApiPropertyOptional({
    description: 'A JSON Schema filled from the add, kept in each memory as metadata.structured_data',
  })
  @IsOptional()
  @IsObject()
  structured_data_schema?: Record<string, unknown> | null;

  @ApiPropertyOptional({ description: 'Always on (entity links); false answers 400' })
  @IsOptional()
  @IsBoolean()
  enable_graph?: boolean | null;

  @ApiPropertyOptional({ description: 'Always on (dates resolved); false answers 400' })
  @IsOptional()
  @IsBoolean()
  temporal_reasoning?: boolean | null;

  @ApiPropertyOptional({ description: 'Not supported: any value answers 400' })
  @IsOptional()
  @IsString()
  prompt_profile_id?: string | null;

  @ApiPropertyOptional({ example: 'Europe/Paris' }) @IsOptional() @IsString() timezone?: string | null;
  @ApiPropertyOptional({ description: 'ISO 8601; back-dates like timestamp' })
  @IsOptional()
  @IsString()
  observation_datetime?: string | null;

  @ApiPropertyOptional({ example: '2026-03-01' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  observation_date?: string | null;
}
