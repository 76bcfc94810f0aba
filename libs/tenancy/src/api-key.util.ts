import { createHash, randomBytes } from 'node:crypto';

/** Recognisable prefix of every key this server issues (secret scanners can match `m0-`). */
export const API_KEY_PREFIX = 'm0-';

export function generateApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(30).toString('base64url')}`;
}

/** Keys are high-entropy random strings, so a plain SHA-256 is a safe one-way store. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The part of a key that may be shown after creation (lists, logs of admin actions). */
export function displayPrefix(key: string): string {
  return key.slice(0, 10);
}
