import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode, isUuid, Role } from '@app/core';
import { CreateOrganizationDto, mapOrganization, OrgMemberDto } from '../dto/organization.dto';
import { OrganizationsRepository } from '../repositories/organizations.repository';
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
      await this.organizations.upsertMember(orgId, user.id, dto.role);
    } else {
      await this.organizations.upsertInvitation(orgId, email, dto.role);
    }
    return { message: 'User added to the organization.' };
  }

  async updateMember(actor: Actor, orgId: string, dto: OrgMemberDto) {
    await this.requireOwner(actor, orgId);
    const email = dto.email.toLowerCase();
    if (dto.role !== Role.OWNER) {
      await this.keepAnOwner(orgId, email);
    }
    if (!(await this.organizations.updateRole(orgId, email, dto.role))) {
      throw AppError.message(ErrorCode.NotFound, 'Member not found.');
    }
    return { message: 'User role updated successfully' };
  }

  async removeMember(actor: Actor, orgId: string, email: string | undefined) {
    await this.requireOwner(actor, orgId);
    if (!email) {
      throw new AppError(ErrorCode.BadRequest, { errors: { email: ['This field is required.'] } });
    }
    const normalized = email.toLowerCase();
    await this.keepAnOwner(orgId, normalized);
    if (!(await this.organizations.removeMember(orgId, normalized))) {
      throw AppError.message(ErrorCode.NotFound, 'Member not found.');
    }
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

  private async keepAnOwner(orgId: string, email: string): Promise<void> {
    const org = await this.organizations.findWithMembers(orgId);
    const target = org?.members.find((member) => member.user.email === email);
    if (target?.role === Role.OWNER && (await this.organizations.countOwners(orgId)) <= 1) {
      throw AppError.message(ErrorCode.BadRequest, 'An organization must keep at least one owner.');
    }
  }
}
