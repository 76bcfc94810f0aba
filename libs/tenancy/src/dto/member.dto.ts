import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsNotEmpty, IsOptional } from 'class-validator';
import { Role } from '@app/core';
import { MemberRow } from '../repositories/organizations.repository';
import { normalizeRole, REQUIRED, ROLE_MESSAGE, ROLES } from './role';

export class ProjectMemberDto {
  @ApiProperty({ example: 'jane@acme.io' })
  @IsNotEmpty({ message: REQUIRED })
  @IsEmail({ require_tld: false }, { message: 'Enter a valid email address.' })
  email: string;

  @ApiPropertyOptional({ enum: ROLES, default: Role.READER })
  @Transform(normalizeRole)
  @IsOptional()
  @IsIn(ROLES, { message: ROLE_MESSAGE })
  role?: Role;
}

export function mapMember(member: MemberRow) {
  return { user_id: member.user.id, username: member.user.username, email: member.user.email, role: member.role };
}
