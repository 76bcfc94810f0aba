import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';

/** One item of a batch update. */
export class BatchUpdateItemDto {
  @ApiProperty({ format: 'uuid' }) memory_id: string;
  @ApiPropertyOptional({ description: 'New text: re-embedded, new hash, categories recomputed' }) text?: string;
  @ApiPropertyOptional({ description: 'Replaces the stored metadata', type: 'object', additionalProperties: true })
  metadata?: Record<string, unknown>;
}

export class BatchDeleteItemDto {
  @ApiProperty({ format: 'uuid' }) memory_id: string;
}

/** Items are checked by the batch service, which answers with the platform's exact messages. */
export class BatchUpdateDto {
  @ApiProperty({ type: [BatchUpdateItemDto], maxItems: 1000 })
  @Allow()
  memories: unknown;
}

export class BatchDeleteDto {
  @ApiPropertyOptional({
    type: [BatchDeleteItemDto],
    maxItems: 1000,
    description: 'Required unless memory_ids is sent',
  })
  @Allow()
  memories?: unknown;

  @ApiPropertyOptional({
    type: [BatchDeleteItemDto],
    description: 'Alias of `memories` on `/v1/memories/batch/` (2025 quickstart)',
  })
  @Allow()
  memory_ids?: unknown;
}
