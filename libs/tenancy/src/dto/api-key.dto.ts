import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { formatTimestamp } from '@app/core';
import { ApiKeyListItem } from '../repositories/api-keys.repository';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'support-bot production' })
  @IsNotEmpty({ message: 'name is required.' })
  @IsString({ message: 'name must be a string.' })
  @MaxLength(100, { message: 'name must be at most 100 characters.' })
  name: string;

  @ApiPropertyOptional({
    example: 'jane@acme.io',
    description: 'A member of the project the key acts as (default: the caller); the key has their role',
  })
  @IsOptional()
  @IsEmail({ require_tld: false }, { message: 'Enter a valid email address.' })
  email?: string;
}

export function mapApiKey(key: ApiKeyListItem) {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    user_email: key.user.email,
    created_at: formatTimestamp(key.createdAt),
    last_used_at: formatTimestamp(key.lastUsedAt),
    revoked_at: formatTimestamp(key.revokedAt),
  };
}
