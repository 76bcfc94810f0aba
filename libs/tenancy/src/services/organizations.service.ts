import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode, isUuid, Role } from '@app/core';
import { CreateOrganizationDto, mapOrganization, OrgMemberDto } from '../dto/organization.dto';
import { MemberChange, OrganizationsRepository } from '../repositories/organizations.repository';
import { UsersRepository } from '../repositories/users.repository';
import { Actor } from './actor';

const ORG_NOT_FOUND = 'Organization not found';

@Injectable()
export class OrganizationsService {
  constructor(
    private readonly organizations: OrganizationsRepository,
    private readonly users: UsersRepository,
  ) {}

  async list(actor: Actor) {
    const orgs = await this.organizations.listForUser(actor.userId);
    return orgs.map((org) => mapOrganization(org, actor.userId));
  }

  async create(actor: Actor, dto: CreateOrganizationDto) {
    const { org } = await this.organizations.createWithOwner(
      { name: dto.name, description: dto.description, isDefault: false, projectName: 'default-project' },
      actor.userId,
    );
    return { message: 'Organization created successfully.', org_id: org.id };
  }

  async get(actor: Actor, orgId: string) {
    await this.requireRole(actor, orgId);
    const org = await this.organizations.findWithMembers(orgId);
    if (!org) {
      throw AppError.message(ErrorCode.NotFound, ORG_NOT_FOUND);
    }
    return mapOrganization(org, actor.userId);
  }

  async delete(actor: Actor, orgId: string) {
    await this.requireRole(actor, orgId, Role.OWNER, 'Unauthorized');
    await this.organizations.delete(orgId);
    return { message: 'Organization deleted successfully!' };
  }

  async members(actor: Actor, orgId: string) {
    const org = await this.get(actor, orgId);
    return { members: org.members };
  }

  async addMember(actor: Actor, orgId: string, dto: OrgMemberDto) {
    await this.requireOwner(actor, orgId);
    const email = dto.email.toLowerCase();
    const user = await this.users.findByEmail(email);
    if (user) {
      checkChange(await this.organizations.upsertMember(orgId, user.id, dto.role));
    } else {
      await this.organizations.upsertInvitation(orgId, email, dto.role);
    }
    return { message: 'User added to the organization.' };
  }

  async updateMember(actor: Actor, orgId: string, dto: OrgMemberDto) {
    await this.requireOwner(actor, orgId);
    checkChange(await this.organizations.updateRole(orgId, dto.email.toLowerCase(), dto.role));
    return { message: 'User role updated successfully' };
  }

  async removeMember(actor: Actor, orgId: string, email: string | undefined) {
    await this.requireOwner(actor, orgId);
    if (!email) {
      throw AppError.fields(ErrorCode.BadRequest, { email: ['This field is required.'] }, 'errors');
    }
    checkChange(await this.organizations.removeMember(orgId, email.toLowerCase()));
    return { message: 'User removed from organization.' };
  }

  /** The caller's role in the org; a non-member (or a malformed id) sees 404, never 403. */
  async requireRole(actor: Actor, orgId: string, needed?: Role, refusal = 'Unauthorized'): Promise<Role> {
    const role = isUuid(orgId) ? await this.organizations.roleOf(orgId, actor.userId) : null;
    if (!role) {
      throw AppError.message(ErrorCode.NotFound, ORG_NOT_FOUND);
    }
    if (needed === Role.OWNER && role !== Role.OWNER) {
      throw AppError.message(ErrorCode.Forbidden, refusal);
    }
    return role;
  }

  private requireOwner(actor: Actor, orgId: string): Promise<Role> {
    return this.requireRole(actor, orgId, Role.OWNER, 'Unauthorized to modify organization members.');
  }
}

function checkChange(change: MemberChange): void {
  if (change === 'not_found') {
    throw AppError.message(ErrorCode.NotFound, 'Member not found.');
  }
  if (change === 'last_owner') {
    throw AppError.message(ErrorCode.BadRequest, 'An organization must keep at least one owner.');
  }
}
