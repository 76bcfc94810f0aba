import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config';
import { REDIS } from '../redis/redis.module';

/** The answer a request got, replayed byte for byte. */
export interface StoredResponse {
  status: number;
  body: string;
  contentType: string | null;
}

/** What a key holds: a request in flight or the answer it got, each with the fingerprint of that request. */
export type IdempotencyRecord =
  | { state: 'in_flight'; fingerprint: string; lease: string }
  | { state: 'done'; fingerprint: string; response: StoredResponse };

/** `lease` proves ownership of a claimed key when completing or releasing it. */
export type ClaimResult = { claimed: true; lease: string } | { claimed: false; record: IdempotencyRecord };

// SET NX, or the record already there: one round trip, so two claimants never both win.
const CLAIM = `if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return false end
return redis.call('GET', KEYS[1])`;
// Only the lease holder writes; a key whose lock expired unclaimed may still take the answer.
const COMPLETE = `local current = redis.call('GET', KEYS[1])
if current == ARGV[1] or not current then redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) return 1 end
return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** Idempotency-Key records in Redis: an in-flight marker while the request runs, then its response. */
@Injectable()
export class IdempotencyStore {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  /** Claims the key for this request, or returns what the key already holds. */
  async claim(key: string, fingerprint: string): Promise<ClaimResult> {
    const marker: IdempotencyRecord = { state: 'in_flight', fingerprint, lease: randomUUID() };
    const lease = JSON.stringify(marker);
    const lockMs = this.config.env.IDEMPOTENCY_LOCK_TTL_SECONDS * 1000;
    const current = (await this.redis.eval(CLAIM, 1, this.redisKey(key), lease, lockMs)) as string | null;
    return current === null ? { claimed: true, lease } : { claimed: false, record: JSON.parse(current) };
  }

  /** Stores the response of a claimed key; false when the claim was lost (its lock expired and another took it). */
  async complete(key: string, lease: string, response: StoredResponse): Promise<boolean> {
    const fingerprint = (JSON.parse(lease) as IdempotencyRecord).fingerprint;
    const record: IdempotencyRecord = { state: 'done', fingerprint, response };
    const ttl = this.config.env.IDEMPOTENCY_TTL_SECONDS;
    return (await this.redis.eval(COMPLETE, 1, this.redisKey(key), lease, JSON.stringify(record), ttl)) === 1;
  }

  /** Frees a claimed key without an answer, so that a retry runs the request again. */
  async release(key: string, lease: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.redisKey(key), lease);
  }

  private redisKey(key: string): string {
    return `idem:${key}`;
  }
}
