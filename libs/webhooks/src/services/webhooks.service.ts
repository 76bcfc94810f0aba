import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode, isUuid, Role } from '@app/core';
import { Actor, ProjectsService } from '@app/tenancy';
import { DeliveryQueue } from '../delivery/delivery-queue';
import { newWebhookSecret } from '../delivery/signing';
import { UrlGuard } from '../delivery/url-guard';
import { CreateWebhookDto, UpdateWebhookDto } from '../dto/webhook.dto';
import { mapDelivery, mapWebhook } from '../dto/webhook.mapper';
import { DeliveriesRepository } from '../repositories/deliveries.repository';
import { WebhookRow, WebhooksRepository } from '../repositories/webhooks.repository';

const NO_PROJECT_ACCESS = "You don't have access to this project";
const NO_WEBHOOK_ACCESS = "You don't have access to this webhook";
const WEBHOOK_NOT_FOUND = 'Webhook not found';

/** Not found (no such row, or no access to its project) as null; any other failure propagates. */
function orNull<T>(promise: Promise<T>): Promise<T | null> {
  return promise.catch((error: unknown) => {
    if (error instanceof AppError && error.code === ErrorCode.NotFound) {
      return null;
    }
    throw error;
  });
}

/**
 * Webhook management plus the delivery log and redelivery. Project members may read;
 * only project owners (and org owners) may change. Another tenant's webhook answers 404.
 */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly projects: ProjectsService,
    private readonly webhooks: WebhooksRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly guard: UrlGuard,
    private readonly queue: DeliveryQueue,
  ) {}

  async list(actor: Actor, projectId: string) {
    await this.requireProject(actor, projectId, false);
    return (await this.webhooks.list(projectId)).map(mapWebhook);
  }

  /** The secret is shown here only. */
  async create(actor: Actor, projectId: string, dto: CreateWebhookDto) {
    await this.requireProject(actor, projectId, true);
    await this.checkUrl(dto.url);
    const row = await this.webhooks.create(projectId, {
      name: dto.name,
      url: dto.url,
      eventTypes: dto.event_types,
      isActive: dto.is_active ?? true,
      secret: newWebhookSecret(),
      createdBy: actor.userId,
    });
    return { ...mapWebhook(row), secret: row.secret };
  }

  async update(actor: Actor, webhookId: string, dto: UpdateWebhookDto) {
    const webhook = await this.requireWebhook(actor, webhookId, true);
    if (dto.url !== undefined) {
      await this.checkUrl(dto.url);
    }
    await this.webhooks.update(webhook.projectId, webhook.id, {
      name: dto.name,
      url: dto.url,
      eventTypes: dto.event_types,
      isActive: dto.is_active,
    });
    return { message: 'Webhook updated successfully' };
  }

  async delete(actor: Actor, webhookId: string) {
    const webhook = await this.requireWebhook(actor, webhookId, true);
    await this.webhooks.delete(webhook.projectId, webhook.id);
    return { message: 'Webhook deleted successfully' };
  }

  async listDeliveries(actor: Actor, webhookId: string, page: number, pageSize: number) {
    const webhook = await this.requireWebhook(actor, webhookId, false);
    const [rows, count] = await this.deliveries.list(webhook.projectId, webhook.id, page, pageSize);
    return { count, results: rows.map(mapDelivery) };
  }

  /** Sends a finished delivery again under the same `webhook-id`, with a fresh retry schedule. */
  async redeliver(actor: Actor, webhookId: string, deliveryId: string) {
    const webhook = await this.requireWebhook(actor, webhookId, true);
    const delivery = isUuid(deliveryId) ? await this.deliveries.find(webhook.projectId, webhook.id, deliveryId) : null;
    if (!delivery) {
      throw AppError.error(ErrorCode.NotFound, 'Delivery not found');
    }
    if (!webhook.isActive) {
      throw AppError.error(ErrorCode.BadRequest, 'Webhook is not active; activate it before redelivering.');
    }
    if (!(await this.deliveries.reopen(webhook.projectId, webhook.id, delivery.id))) {
      throw AppError.error(ErrorCode.Conflict, 'Delivery is still being attempted.');
    }
    await this.queue.enqueue([{ id: delivery.id, projectId: webhook.projectId }], `-r${delivery.attempts}`);
    return { message: 'Redelivery queued', delivery_id: delivery.id };
  }

  private async checkUrl(url: string): Promise<void> {
    const refusal = await this.guard.refusal(url);
    if (refusal) {
      throw AppError.fields(ErrorCode.BadRequest, { url: [refusal] });
    }
  }

  /** Unknown and inaccessible projects alike answer 403; readers only when `owner` is false. */
  private async requireProject(actor: Actor, projectId: string, owner: boolean): Promise<void> {
    const project = isUuid(projectId) ? await orNull(this.projects.settings(projectId)) : null;
    const access = project ? await orNull(this.projects.requireAccess(actor, project.orgId, projectId)) : null;
    if (!access || (owner && access.role !== Role.OWNER)) {
      throw AppError.error(ErrorCode.Forbidden, NO_PROJECT_ACCESS);
    }
  }

  /** A webhook of a project the caller cannot see answers 404 (existence never leaks); a reader's change 403. */
  private async requireWebhook(actor: Actor, webhookId: string, owner: boolean): Promise<WebhookRow> {
    const webhook = isUuid(webhookId) ? await this.webhooks.findById(webhookId) : null;
    const access = webhook
      ? await orNull(this.projects.requireAccess(actor, webhook.project.orgId, webhook.projectId))
      : null;
    if (!webhook || !access) {
      throw AppError.error(ErrorCode.NotFound, WEBHOOK_NOT_FOUND);
    }
    if (owner && access.role !== Role.OWNER) {
      throw AppError.error(ErrorCode.Forbidden, NO_WEBHOOK_ACCESS);
    }
    return webhook;
  }
}
