import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  Allow,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  Min,
  ValidateBy,
} from 'class-validator';
import { IsInstant } from '../memory/memory.dto';

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/**
 * Options shared by every list and search body. Entity ids at the top level and `filters` are kept
 * raw: each API version treats them differently, and the filter compiler
 * validates `filters` itself.
 */
export class RetrievalOptionsDto {
  @ApiPropertyOptional({
    description: 'The v2 filter language (AND/OR/NOT, entity ids, dates, metadata, categories)',
    type: 'object',
    additionalProperties: true,
  })
  @Allow()
  filters?: unknown;

  @ApiPropertyOptional({ description: 'v3: refused (entity ids belong in filters); v1/v2: ANDed' })
  @Allow()
  user_id?: unknown;

  @ApiPropertyOptional() @Allow() agent_id?: unknown;
  @ApiPropertyOptional() @Allow() app_id?: unknown;
  @ApiPropertyOptional() @Allow() run_id?: unknown;

  @ApiPropertyOptional({ type: [String], description: 'Any-match, ANDed with filters' })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  categories?: string[];

  @ApiPropertyOptional({ description: 'Equality on top-level metadata keys, ANDed with filters' })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional({ type: [String], description: 'Project each result to these keys' })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  fields?: string[];

  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() show_expired?: boolean;
  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() latest_only?: boolean;
  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() include_merged?: boolean;

  @ApiPropertyOptional({ enum: ['v1.0', 'v1.1'] }) @IsOptional() @IsIn(['v1.0', 'v1.1']) output_format?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsString() version?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() enable_graph?: boolean;
}

/** Body of the list routes (`POST /v3/memories/`, `POST /v2/memories/`). */
export class ListMemoriesDto extends RetrievalOptionsDto {
  @ApiPropertyOptional({ description: 'Case-insensitive substring of the memory text' })
  @IsOptional()
  @IsString()
  keywords?: string;

  @ApiPropertyOptional({ example: '2026-01-01' }) @IsOptional() @IsString() start_date?: string;
  @ApiPropertyOptional({ example: '2026-01-31', description: 'Inclusive' }) @IsOptional() @IsString() end_date?: string;

  @ApiPropertyOptional({ default: 1 }) @Allow() page?: unknown;
  @ApiPropertyOptional({ default: 100 }) @Allow() page_size?: unknown;

  /** `POST /v3/memories/` with messages and no filters is an add. */
  @ApiPropertyOptional({ description: 'With no filters: this call is an add (older clients)' })
  @Allow()
  messages?: unknown;
}

/** Body of the search routes (`/v3`, `/v2`, `/v1` `memories/search/`). */
export class SearchMemoriesDto extends RetrievalOptionsDto {
  @ApiProperty({ example: 'What does Alice like to eat?' })
  @Transform(trimmed)
  @IsString()
  @ValidateBy({
    name: 'notBlank',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && value.length > 0,
      defaultMessage: () => 'query must not be empty',
    },
  })
  query: string;

  @ApiPropertyOptional({ default: 10, minimum: 1, maximum: 1000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  top_k?: number;

  @ApiPropertyOptional({ description: 'v1 alias of top_k' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ description: 'Minimum score in [0, 1]; 0 disables (v3 default 0.1, v2 0.3, v1 none)' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  threshold?: number | null;

  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() rerank?: boolean;
  @ApiPropertyOptional({ default: false, description: 'v3: keyword (BM25) ranking alone; v1/v2: hybrid ranking' })
  @IsOptional()
  @IsBoolean()
  keyword_search?: boolean;

  @ApiPropertyOptional({ default: false, description: 'Not supported: true answers 400' })
  @IsOptional()
  @IsBoolean()
  @IsIn([false], { message: 'filter_memories is not supported by this server: use filters, threshold or rerank' })
  filter_memories?: boolean;
  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() only_metadata_based_search?: boolean;

  @ApiPropertyOptional({ description: 'Unix seconds, YYYY-MM-DD or ISO datetime ("now" for relative dates)' })
  @IsOptional()
  @IsInstant('reference_date must be Unix seconds, YYYY-MM-DD or an ISO 8601 date-time')
  reference_date?: number | string;
}

/** Body of `POST /v1/summary/`: flat pairs or the filter language. */
export class SummaryDto {
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { user_id: 'alice' } })
  @Allow()
  filters?: unknown;
}
