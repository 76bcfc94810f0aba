import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';

/** Flat entity ids a client may send beside `filters` (Python `**kwargs`); ANDed into them. */
class ExportEntityKwargsDto {
  @ApiPropertyOptional({ description: 'ANDed into filters' }) @Allow() user_id?: unknown;
  @ApiPropertyOptional() @Allow() agent_id?: unknown;
  @ApiPropertyOptional() @Allow() app_id?: unknown;
  @ApiPropertyOptional() @Allow() run_id?: unknown;
}

/** Body of `POST /v1/exports/`; checked by the exports service for the exact error bodies. */
export class CreateExportDto extends ExportEntityKwargsDto {
  @ApiProperty({
    description: 'JSON Schema of the object to produce (an object, or the same as JSON text)',
    type: 'object',
    additionalProperties: true,
  })
  @Allow()
  schema: unknown;

  @ApiProperty({
    description: 'Entity filter, flat or AND/OR structured (the v2 filter language)',
    type: 'object',
    additionalProperties: true,
  })
  @Allow()
  filters?: unknown;

  @ApiPropertyOptional({ description: 'Free text guiding the model that fills the schema' })
  @Allow()
  export_instructions?: unknown;
}

/** Body of `POST /v1/exports/get/`: an id, or filters naming the same entity ids as the export's. */
export class GetExportDto extends ExportEntityKwargsDto {
  @ApiPropertyOptional({ format: 'uuid' }) @Allow() memory_export_id?: unknown;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) @Allow() filters?: unknown;
}
