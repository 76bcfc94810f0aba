import { ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsObject, IsOptional, IsString, Matches, ValidateBy } from 'class-validator';

/** Unix seconds, or a string Date can parse (YYYY-MM-DD, ISO 8601). */
export const IsInstant = (message: string) =>
  ValidateBy({
    name: 'isInstant',
    validator: {
      validate: (value: unknown) =>
        (typeof value === 'number' && Number.isFinite(value)) ||
        (typeof value === 'string' && !Number.isNaN(Date.parse(value))),
      defaultMessage: () => message,
    },
  });

/** Body of `PUT /v1/memories/{id}/`; at least one key. */
export class UpdateMemoryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() text?: string;

  @ApiPropertyOptional({ description: 'Replaces the stored metadata' })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown> | null;

  @ApiPropertyOptional({ description: 'Unix seconds or an ISO 8601 string; overrides created_at' })
  @IsOptional()
  @IsInstant('timestamp must be Unix seconds or an ISO 8601 date-time')
  timestamp?: number | string;

  @ApiPropertyOptional({ example: '2026-12-31', nullable: true, description: 'null makes the memory permanent' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'expiration_date must be YYYY-MM-DD or null' })
  expiration_date?: string | null;
}

/** Body of `POST /v1/feedback/`; checked by the service for the exact error bodies. */
export class FeedbackDto {
  @ApiPropertyOptional() @Allow() memory_id?: unknown;
  @ApiPropertyOptional({ enum: ['POSITIVE', 'NEGATIVE', 'VERY_NEGATIVE'], nullable: true }) @Allow() feedback?: unknown;
  @ApiPropertyOptional({ nullable: true }) @Allow() feedback_reason?: unknown;
}
