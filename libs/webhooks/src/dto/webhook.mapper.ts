import { formatTimestamp } from '@app/core';
import { DeliveryWithAttempts } from '../repositories/deliveries.repository';
import { WebhookRow } from '../repositories/webhooks.repository';

/** The platform's webhook object: `owner` is the creator's username, `project` the project's name. */
export function mapWebhook(row: WebhookRow) {
  const creator = row.creator;
  return {
    webhook_id: row.id,
    name: row.name,
    url: row.url,
    event_types: row.eventTypes,
    owner: creator ? creator.username || creator.email.split('@')[0] : null,
    project: row.project.name,
    is_active: row.isActive,
    created_at: formatTimestamp(row.createdAt),
    updated_at: formatTimestamp(row.updatedAt),
  };
}

/** A delivery (clone extension) with every HTTP attempt made for it, oldest first. */
export function mapDelivery(row: DeliveryWithAttempts) {
  return {
    delivery_id: row.id,
    webhook_id: row.webhookId,
    event_type: row.eventType,
    status: row.status,
    attempt_count: row.attempts,
    last_status_code: row.lastStatusCode,
    last_error: row.lastError,
    next_attempt_at: formatTimestamp(row.nextAttemptAt),
    delivered_at: formatTimestamp(row.deliveredAt),
    created_at: formatTimestamp(row.createdAt),
    updated_at: formatTimestamp(row.updatedAt),
    payload: row.payload,
    attempts: row.attemptLog.map((attempt) => ({
      attempt: attempt.attempt,
      status_code: attempt.statusCode,
      error: attempt.error,
      duration_ms: attempt.durationMs,
      response_body: attempt.responseBody,
      created_at: formatTimestamp(attempt.createdAt),
    })),
  };
}
