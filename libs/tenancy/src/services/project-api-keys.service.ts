import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode, isUuid } from '@app/core';
import { CreateApiKeyDto, mapApiKey } from '../dto/api-key.dto';
import { ApiKeysRepository } from '../repositories/api-keys.repository';
import { UsersRepository } from '../repositories/users.repository';
import { Actor } from './actor';
import { ApiKeysService } from './api-keys.service';
import { ProjectsService } from './projects.service';

const CANNOT_MANAGE_KEYS = 'Unauthorized to manage API keys of this project.';
const KEY_NOT_FOUND = 'API key not found.';

/** A project's API keys over HTTP: members list them, owners issue and revoke them. */
@Injectable()
export class ProjectApiKeysService {
  constructor(
    private readonly projects: ProjectsService,
    private readonly apiKeys: ApiKeysService,
    private readonly keys: ApiKeysRepository,
    private readonly users: UsersRepository,
  ) {}

  async list(actor: Actor, orgId: string, projectId: string) {
    await this.projects.requireAccess(actor, orgId, projectId);
    const keys = await this.keys.list({ projectId });
    return { api_keys: keys.map(mapApiKey) };
  }

  /** The plain key is in this answer only; the database keeps its hash. */
  async create(actor: Actor, orgId: string, projectId: string, dto: CreateApiKeyDto) {
    await this.projects.requireAccess(actor, orgId, projectId, CANNOT_MANAGE_KEYS);
    let userId = actor.userId;
    if (dto.email) {
      const user = await this.users.findByEmail(dto.email);
      const member =
        user && (await this.projects.requireAccess({ userId: user.id }, orgId, projectId).catch(() => null));
      if (!user || !member) {
        throw AppError.message(ErrorCode.BadRequest, 'User is not a member of this project.');
      }
      userId = user.id;
    }
    const { key, record } = await this.apiKeys.issue({ userId, projectId, name: dto.name.trim() });
    const created = await this.keys.findInProject(projectId, record.id);
    return { ...mapApiKey(created!), key };
  }

  /** Takes effect at once: the revocation notifies every process's identity cache. */
  async revoke(actor: Actor, orgId: string, projectId: string, keyId: string) {
    await this.projects.requireAccess(actor, orgId, projectId, CANNOT_MANAGE_KEYS);
    if (!isUuid(keyId) || !(await this.keys.revokeInProject(projectId, keyId))) {
      throw AppError.message(ErrorCode.NotFound, KEY_NOT_FOUND);
    }
    return { message: 'API key revoked.' };
  }
}
