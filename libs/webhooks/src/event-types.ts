/** Event types a webhook may subscribe to; the ingest family has no producer here. */
export const WEBHOOK_EVENT_TYPES = [
  'memory_add',
  'memory_update',
  'memory_delete',
  'memory_categorize',
  'ingest_job_completed',
  'ingest_job_partially_completed',
  'ingest_job_failed',
  'ingest_job_cancelled',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

const KNOWN = new Set<string>(WEBHOOK_EVENT_TYPES);

/** Older docs spell events with a colon (`memory:add`). */
export function normalizeEventType(value: string): string {
  return value.trim().replace(/:/g, '_');
}

export function isWebhookEventType(value: unknown): value is WebhookEventType {
  return typeof value === 'string' && KNOWN.has(normalizeEventType(value));
}
