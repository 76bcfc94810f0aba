import { createHmac, randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

const SECRET_PREFIX = 'whsec_';

/** A Standard Webhooks signing secret: `whsec_` + base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/**
 * `webhook-signature` (Standard Webhooks: `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`, keyed
 * with the secret's decoded bytes) and the platform's `X-Mem0-Signature` (`sha256=` + hex
 * HMAC of `timestamp.body`, same key).
 */
export function signatures(secret: string, id: string, timestamp: number, body: string) {
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  return {
    standard: new Webhook(secret).sign(id, new Date(timestamp * 1000), body),
    mem0: `sha256=${createHmac('sha256', key).update(`${timestamp}.${body}`).digest('hex')}`,
  };
}
