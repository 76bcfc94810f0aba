import { Injectable } from '@nestjs/common';
import { PrismaService, Webhook, WebhookDelivery, WebhookDeliveryAttempt } from '@app/core';

export type DeliveryStatus = 'pending' | 'retrying' | 'succeeded' | 'failed';

export type DeliveryWithAttempts = WebhookDelivery & { attemptLog: WebhookDeliveryAttempt[] };

export interface DeliveryRef {
  id: string;
  projectId: string;
}

/** One HTTP attempt and what it leaves the delivery in. */
export interface AttemptRecord {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  responseBody: string | null;
  status: DeliveryStatus;
  nextAttemptAt: Date | null;
  /** Switch the webhook off (the receiver answered 410 Gone). */
  disableReason?: string;
}

const WITH_ATTEMPTS = { attemptLog: { orderBy: { attempt: 'asc' } } } as const;

@Injectable()
export class DeliveriesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * One statement, so one transaction: claims up to `limit` undispatched outbox rows (SKIP LOCKED,
   * so several workers share the backlog), creates a delivery per active webhook of the row's project
   * subscribed to its event type (the payload gains `project_id`), and marks the rows dispatched.
   * The unique (webhook_id, outbox_id) makes a second run a no-op. Returns the new deliveries.
   */
  async dispatchOutbox(limit: number): Promise<{ claimed: number; deliveries: DeliveryRef[] }> {
    const [row] = await this.prisma.$queryRaw<{ claimed: number; deliveries: DeliveryRef[] }[]>`
      WITH claimed AS (
        SELECT id, project_id, event_type, payload FROM webhook_outbox
        WHERE dispatched_at IS NULL
        ORDER BY created_at
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      ), marked AS (
        UPDATE webhook_outbox o SET dispatched_at = now() FROM claimed c WHERE o.id = c.id
      ), created AS (
        INSERT INTO webhook_deliveries (project_id, webhook_id, outbox_id, event_type, payload, next_attempt_at)
        SELECT c.project_id, w.id, c.id, c.event_type,
               jsonb_set(c.payload, '{event_details,project_id}', to_jsonb(c.project_id::text)), now()
        FROM claimed c
        JOIN webhooks w ON w.project_id = c.project_id AND w.is_active AND c.event_type = ANY (w.event_types)
        ON CONFLICT (webhook_id, outbox_id) DO NOTHING
        RETURNING id, project_id
      )
      SELECT (SELECT count(*)::int FROM claimed) AS claimed,
             COALESCE((SELECT json_agg(json_build_object('id', id, 'projectId', project_id)) FROM created), '[]')
               AS deliveries`;
    return row;
  }

  /**
   * Deliveries still owed an attempt long after it was due: their job was lost (a worker died between
   * dispatch and enqueue). Walks each active webhook's recent deliveries by the (webhook_id, created_at) index.
   */
  overdue(olderThan: Date, since: Date, limit: number): Promise<DeliveryRef[]> {
    return this.prisma.$queryRaw<DeliveryRef[]>`
      SELECT d.id::text AS id, d.project_id::text AS "projectId"
      FROM webhooks w
      CROSS JOIN LATERAL (
        SELECT id, project_id FROM webhook_deliveries
        WHERE webhook_id = w.id AND created_at > ${since} AND status IN ('pending', 'retrying')
          AND next_attempt_at < ${olderThan}
        LIMIT ${limit}
      ) d
      WHERE w.is_active
      LIMIT ${limit}`;
  }

  findWithWebhook(projectId: string, id: string): Promise<(WebhookDelivery & { webhook: Webhook }) | null> {
    return this.prisma.webhookDelivery.findFirst({ where: { projectId, id }, include: { webhook: true } });
  }

  find(projectId: string, webhookId: string, id: string): Promise<WebhookDelivery | null> {
    return this.prisma.webhookDelivery.findFirst({ where: { projectId, webhookId, id } });
  }

  /** Newest first, each with its attempts in order. */
  list(
    projectId: string,
    webhookId: string,
    page: number,
    pageSize: number,
  ): Promise<[DeliveryWithAttempts[], number]> {
    const where = { projectId, webhookId };
    return Promise.all([
      this.prisma.webhookDelivery.findMany({
        where,
        include: WITH_ATTEMPTS,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        skip: (page - 1) * pageSize,
        take: pageSize,
      }),
      this.prisma.webhookDelivery.count({ where }),
    ]);
  }

  /** Logs the attempt and moves the delivery on, together; returns the attempt's number. */
  recordAttempt(projectId: string, delivery: WebhookDelivery, record: AttemptRecord): Promise<number> {
    const now = new Date();
    return this.prisma.$transaction(async (tx) => {
      const updated = await tx.webhookDelivery.update({
        where: { id: delivery.id, projectId },
        data: {
          attempts: { increment: 1 },
          status: record.status,
          nextAttemptAt: record.nextAttemptAt,
          lastStatusCode: record.statusCode,
          lastError: record.error,
          deliveredAt: record.status === 'succeeded' ? now : undefined,
          updatedAt: now,
        },
      });
      await tx.webhookDeliveryAttempt.create({
        data: {
          deliveryId: delivery.id,
          attempt: updated.attempts,
          statusCode: record.statusCode,
          error: record.error,
          durationMs: record.durationMs,
          responseBody: record.responseBody,
        },
      });
      if (record.disableReason) {
        await tx.webhook.updateMany({
          where: { projectId, id: delivery.webhookId },
          data: { isActive: false, disabledReason: record.disableReason, updatedAt: now },
        });
      }
      return updated.attempts;
    });
  }

  /** Closes a delivery without an attempt (its webhook was switched off meanwhile). */
  async abandon(projectId: string, id: string, reason: string): Promise<void> {
    await this.prisma.webhookDelivery.updateMany({
      where: { projectId, id, status: { in: ['pending', 'retrying'] } },
      data: { status: 'failed', lastError: reason, nextAttemptAt: null, updatedAt: new Date() },
    });
  }

  /** A finished delivery back to pending, once: false while it is still being attempted. */
  async reopen(projectId: string, webhookId: string, id: string): Promise<boolean> {
    const now = new Date();
    const updated = await this.prisma.webhookDelivery.updateMany({
      where: { projectId, webhookId, id, status: { in: ['succeeded', 'failed'] } },
      data: { status: 'pending', nextAttemptAt: now, updatedAt: now },
    });
    return updated.count > 0;
  }
}
