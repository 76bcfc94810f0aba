import { Injectable } from '@nestjs/common';
import { ApiKey, AppError, ErrorCode, isUuid } from '@app/core';
import { displayPrefix, generateApiKey, hashApiKey } from '../api-key.util';
import { ApiKeyIdentity, ApiKeyListItem, ApiKeysRepository } from '../repositories/api-keys.repository';

const TOUCH_INTERVAL_MS = 60_000;

@Injectable()
export class ApiKeysService {
  constructor(private readonly apiKeys: ApiKeysRepository) {}

  /** Issues a key for the user in the project; the plain key is returned once and never stored. */
  async issue(input: { userId: string; projectId: string; name: string; key?: string }): Promise<{
    key: string;
    record: ApiKey;
  }> {
    const key = input.key ?? generateApiKey();
    const record = await this.apiKeys.create({
      userId: input.userId,
      projectId: input.projectId,
      name: input.name,
      prefix: displayPrefix(key),
      keyHash: hashApiKey(key),
    });
    return { key, record };
  }

  exists(key: string): Promise<boolean> {
    return this.apiKeys.existsByHash(hashApiKey(key));
  }

  /** The identity behind an active key, recording its use (at most once a minute per key). */
  async identify(key: string): Promise<ApiKeyIdentity | null> {
    const identity = await this.apiKeys.findIdentity(hashApiKey(key));
    if (identity && (!identity.lastUsedAt || Date.now() - identity.lastUsedAt.getTime() > TOUCH_INTERVAL_MS)) {
      await this.apiKeys.touch(identity.keyId, new Date(Date.now() - TOUCH_INTERVAL_MS));
    }
    return identity;
  }

  list(filter: { userId?: string; projectId?: string } = {}): Promise<ApiKeyListItem[]> {
    return this.apiKeys.list(filter);
  }

  async revoke(idOrPrefix: string): Promise<void> {
    const count = await this.apiKeys.revoke(idOrPrefix, isUuid(idOrPrefix));
    if (count === 0) {
      throw AppError.message(ErrorCode.NotFound, `No active key matches ${idOrPrefix}.`);
    }
    if (count > 1) {
      throw AppError.message(ErrorCode.Conflict, `${count} keys matched ${idOrPrefix}; all of them were revoked.`);
    }
  }
}
