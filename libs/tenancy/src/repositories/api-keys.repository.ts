import { Injectable } from '@nestjs/common';
import { ApiKey, PrismaService, Role } from '@app/core';

export interface ApiKeyIdentity {
  keyId: string;
  userId: string;
  userEmail: string;
  orgId: string;
  projectId: string;
  role: Role | null;
  lastUsedAt: Date | null;
}

export type ApiKeyListItem = ApiKey & { user: { email: string }; project: { name: string; orgId: string } };

const WITH_OWNER = { user: { select: { email: true } }, project: { select: { name: true, orgId: true } } } as const;

@Injectable()
export class ApiKeysRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: { projectId: string; userId: string; name: string; prefix: string; keyHash: string }): Promise<ApiKey> {
    return this.prisma.apiKey.create({ data });
  }

  existsByHash(keyHash: string): Promise<boolean> {
    return this.prisma.apiKey.count({ where: { keyHash } }).then((count) => count > 0);
  }

  /** The active key with its user, default project and the user's role there (org owners own every project). */
  async findIdentity(keyHash: string): Promise<ApiKeyIdentity | null> {
    const rows = await this.prisma.$queryRaw<ApiKeyIdentity[]>`
      SELECT k.id AS "keyId", u.id AS "userId", u.email AS "userEmail", p.org_id AS "orgId",
             p.id AS "projectId", k.last_used_at AS "lastUsedAt",
             CASE WHEN om.role = 'OWNER' THEN 'OWNER' ELSE pm.role::text END AS "role"
      FROM api_keys k
      JOIN users u ON u.id = k.user_id
      JOIN projects p ON p.id = k.project_id
      LEFT JOIN project_members pm ON pm.project_id = p.id AND pm.user_id = u.id
      LEFT JOIN org_members om ON om.org_id = p.org_id AND om.user_id = u.id
      WHERE k.key_hash = ${keyHash} AND k.revoked_at IS NULL`;
    return rows[0] ?? null;
  }

  /** Records use at most once per interval, so hot keys do not write on every request. */
  async touch(keyId: string, olderThan: Date): Promise<void> {
    await this.prisma.apiKey.updateMany({
      where: { id: keyId, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: olderThan } }] },
      data: { lastUsedAt: new Date() },
    });
  }

  list(filter: { userId?: string; projectId?: string }): Promise<ApiKeyListItem[]> {
    return this.prisma.apiKey.findMany({
      where: filter,
      include: WITH_OWNER,
      orderBy: { createdAt: 'asc' },
    });
  }

  /** The project's key with that id, with its user's email; null for another project's id. */
  findInProject(projectId: string, id: string): Promise<ApiKeyListItem | null> {
    return this.prisma.apiKey.findFirst({
      where: { id, projectId },
      include: WITH_OWNER,
    });
  }

  /** Revokes the project's active key with that id; false when there is none. */
  async revokeInProject(projectId: string, id: string): Promise<boolean> {
    const result = await this.prisma.apiKey.updateMany({
      where: { id, projectId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    return result.count > 0;
  }

  /** Revokes by id or by displayed prefix; returns how many keys were revoked. */
  async revoke(idOrPrefix: string, isId: boolean): Promise<number> {
    const where = isId ? { id: idOrPrefix } : { prefix: idOrPrefix };
    const result = await this.prisma.apiKey.updateMany({
      where: { ...where, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    return result.count;
  }
}
