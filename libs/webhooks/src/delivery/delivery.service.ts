import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, MetricsService, Webhook, WebhookDelivery } from '@app/core';
import { JobData, JobName, JobRun, JobStatus } from '@app/queue';
import { AttemptRecord, DeliveriesRepository } from '../repositories/deliveries.repository';
import { postJson } from './http-sender';
import { classifyResponse, DeliveryRetry, nextRetryDelay, parseRetryAfter } from './retry-schedule';
import { signatures } from './signing';
import { TargetRefusedError, UrlGuard } from './url-guard';

/** Attempt rows keep the start of the receiver's answer, enough to debug it. */
const MAX_RESPONSE_BYTES = 2048;

type DeliveryWithWebhook = WebhookDelivery & { webhook: Webhook };

interface Outcome {
  statusCode: number | null;
  error: string | null;
  body: string | null;
  retryAfterMs?: number;
  /** The SSRF guard refused the target: final, retrying cannot help. */
  refused?: boolean;
}

const statusClass = (outcome: Outcome) =>
  outcome.refused ? 'refused' : outcome.statusCode === null ? 'network' : `${Math.floor(outcome.statusCode / 100)}xx`;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 1000);

/**
 * The `deliver-webhook` job: one signed POST per run (Standard Webhooks headers plus the platform's
 * X-Mem0-* ones). The attempt is written before the retry decision, so the log is complete even if
 * the worker dies; a retry is a BullMQ retry of the same job, so the `webhook-id` never changes.
 */
@Injectable()
export class WebhookDeliveryService {
  private readonly logger = new Logger(WebhookDeliveryService.name);

  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly guard: UrlGuard,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  async handleDeliver({ projectId, deliveryId }: JobData<JobName.DeliverWebhook>, run: JobRun): Promise<JobStatus> {
    const delivery = await this.deliveries.findWithWebhook(projectId, deliveryId);
    if (!delivery) {
      // The webhook (or its project) was deleted; its deliveries went with it.
      return JobStatus.Skipped;
    }
    if (!delivery.webhook.isActive) {
      await this.deliveries.abandon(projectId, deliveryId, 'Webhook was deactivated before delivery.');
      return JobStatus.Skipped;
    }
    const started = Date.now();
    const outcome = await this.attempt(delivery);
    const verdict = outcome.refused ? 'final' : classifyResponse(outcome.statusCode);
    this.metrics.webhookAttempts.inc({
      outcome: verdict === 'success' ? 'success' : 'failure',
      status_class: statusClass(outcome),
    });
    const retry = verdict === 'retry' && !run.finalAttempt;
    const delayMs = retry
      ? nextRetryDelay(run.attempt, {
          baseMs: this.config.env.WEBHOOK_RETRY_BASE_MS,
          retryAfterMs: outcome.retryAfterMs,
          retryAfterCapMs: this.config.env.WEBHOOK_RETRY_AFTER_MAX_MS,
        })
      : 0;
    const record: AttemptRecord = {
      statusCode: outcome.statusCode,
      error: outcome.error,
      durationMs: Date.now() - started,
      responseBody: outcome.body,
      status: verdict === 'success' ? 'succeeded' : retry ? 'retrying' : 'failed',
      nextAttemptAt: retry ? new Date(Date.now() + delayMs) : null,
      disableReason: verdict === 'gone' ? `The receiver answered 410 Gone on ${new Date().toISOString()}.` : undefined,
    };
    const attempt = await this.deliveries.recordAttempt(projectId, delivery, record);
    const summary = outcome.statusCode === null ? outcome.error : `HTTP ${outcome.statusCode}`;
    if (retry) {
      throw new DeliveryRetry(`webhook delivery attempt ${attempt}: ${summary}; retrying in ${delayMs} ms`, delayMs);
    }
    if (record.status === 'failed') {
      this.logger.warn(
        { deliveryId, webhookId: delivery.webhookId, attempt, outcome: summary },
        'webhook delivery failed',
      );
    }
    return JobStatus.Success;
  }

  private async attempt(delivery: DeliveryWithWebhook): Promise<Outcome> {
    let url: URL;
    try {
      url = new URL(delivery.webhook.url);
    } catch {
      return { statusCode: null, error: 'Refused: the webhook URL is not a valid URL.', body: null, refused: true };
    }
    const body = JSON.stringify(delivery.payload);
    try {
      const pinned = await this.guard.pin(url);
      const response = await postJson(url, this.headers(delivery, body), body, {
        timeoutMs: this.config.env.WEBHOOK_TIMEOUT_MS,
        pinned,
        maxBodyBytes: MAX_RESPONSE_BYTES,
      });
      return {
        statusCode: response.statusCode,
        error: null,
        body: response.body,
        retryAfterMs: parseRetryAfter(response.headers['retry-after']),
      };
    } catch (error) {
      if (error instanceof TargetRefusedError) {
        return { statusCode: null, error: `Refused: ${error.message}`, body: null, refused: true };
      }
      return { statusCode: null, error: messageOf(error), body: null };
    }
  }

  private headers(delivery: DeliveryWithWebhook, body: string): Record<string, string> {
    const timestamp = Math.floor(Date.now() / 1000);
    const signed = signatures(delivery.webhook.secret, delivery.id, timestamp, body);
    return {
      'Content-Type': 'application/json',
      'User-Agent': 'Mem0-Webhooks/1.0',
      'webhook-id': delivery.id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signed.standard,
      'X-Mem0-Event': delivery.eventType,
      'X-Mem0-Webhook-Id': delivery.webhookId,
      'X-Mem0-Delivery-Id': delivery.id,
      'X-Mem0-Timestamp': String(timestamp),
      'X-Mem0-Signature': signed.mem0,
    };
  }
}
