import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { formatTimestamp, Role } from '@app/core';
import { OrganizationWithMembers } from '../repositories/organizations.repository';
import { normalizeRole, REQUIRED, ROLE_MESSAGE, ROLES } from './role';
import { mapMember } from './member.dto';

export class CreateOrganizationDto {
  @ApiProperty({ example: 'acme' })
  @IsNotEmpty({ message: REQUIRED })
  @IsString()
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  description?: string;
}

export class OrgMemberDto {
  @ApiProperty({ example: 'jane@acme.io' })
  @IsNotEmpty({ message: REQUIRED })
  @IsEmail({ require_tld: false }, { message: 'Enter a valid email address.' })
  email: string;

  @ApiProperty({ enum: ROLES })
  @Transform(normalizeRole)
  @IsNotEmpty({ message: REQUIRED })
  @IsIn(ROLES, { message: ROLE_MESSAGE })
  role: Role;
}

export class MemberEmailDto {
  @ApiPropertyOptional({ description: 'Also accepted as the `email` query parameter' })
  @IsOptional()
  @IsString()
  email?: string;
}

export function mapOrganization(org: OrganizationWithMembers, callerId: string | null) {
  const callerRole = org.members.find((member) => member.user.id === callerId)?.role ?? null;
  return {
    org_id: org.id,
    id: org.number,
    name: org.name,
    description: org.description,
    created_at: formatTimestamp(org.createdAt),
    updated_at: formatTimestamp(org.updatedAt),
    members: org.members.map(mapMember),
    invitations: org.invitations.map((invitation) => ({
      email: invitation.email,
      role: invitation.role,
      created_at: formatTimestamp(invitation.createdAt),
    })),
    is_default: org.isDefault,
    byok_enabled: false,
    on_paid_plan: false,
    owner_pricing_plan: 'free',
    is_owner: callerRole === Role.OWNER,
    user_role: callerRole,
  };
}
