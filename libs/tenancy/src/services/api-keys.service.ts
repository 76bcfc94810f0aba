import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { ApiKey, AppConfig, AppError, ErrorCode, isUuid } from '@app/core';
import { displayPrefix, generateApiKey, hashApiKey } from '../api-key.util';
import { ApiKeyIdentity, ApiKeyListItem, ApiKeysRepository } from '../repositories/api-keys.repository';
import { TenancyChangesRepository } from '../repositories/tenancy-changes.repository';

const TOUCH_INTERVAL_MS = 60_000;
/** Identities kept at most: hot keys stay, a flood of distinct keys cannot grow memory. */
const CACHED_IDENTITIES = 10_000;

@Injectable()
export class ApiKeysService {
  /** Active keys' identities by key hash; unknown keys are never cached. */
  private readonly identities: LRUCache<string, ApiKeyIdentity> | null;
  private listening = false;
  /** Counts the changes heard: an identity read across one is not cached. */
  private generation = 0;

  constructor(
    private readonly apiKeys: ApiKeysRepository,
    private readonly changes: TenancyChangesRepository,
    config: AppConfig,
  ) {
    const ttl = config.env.API_KEY_CACHE_TTL_MS;
    this.identities = ttl > 0 ? new LRUCache({ max: CACHED_IDENTITIES, ttl }) : null;
  }

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

  /**
   * The identity behind an active key, recording its use (at most once a minute per key). Identities
   * are reused while the database's change notifications are heard, and dropped on any change.
   */
  async identify(key: string): Promise<ApiKeyIdentity | null> {
    const hash = hashApiKey(key);
    this.listenForChanges();
    const generation = this.generation;
    const cached = this.changes.live ? this.identities?.get(hash) : undefined;
    const identity = cached ?? (await this.apiKeys.findIdentity(hash));
    if (!identity) {
      return null;
    }
    if (!identity.lastUsedAt || Date.now() - identity.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
      await this.apiKeys.touch(identity.keyId, new Date(Date.now() - TOUCH_INTERVAL_MS));
      identity.lastUsedAt = new Date();
    }
    // A change heard while the row was read may have made it stale.
    if (!cached && this.changes.live && generation === this.generation) {
      this.identities?.set(hash, identity);
    }
    return identity;
  }

  /** The first authentication opens the listening connection (processes that never authenticate have none). */
  private listenForChanges(): void {
    if (this.identities && !this.listening) {
      this.listening = true;
      this.changes.subscribe(() => {
        this.generation++;
        this.identities?.clear();
      });
    }
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
