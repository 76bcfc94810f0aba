import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '@app/core';
import { DeliveriesRepository } from '../repositories/deliveries.repository';
import { DeliveryQueue } from './delivery-queue';

const BATCH = 200;
const SWEEP_EVERY_MS = 60_000;
/** A delivery this far past its due time has lost its job (see sweep). */
const OVERDUE_MS = 5 * 60_000;
/** Older deliveries are past the whole retry schedule (about 3 days). */
const SWEEP_WINDOW_MS = 4 * 24 * 3600_000;

/**
 * Turns webhook outbox rows into deliveries and their jobs, in every worker.
 *
 * A poll loop rather than a BullMQ repeatable job: it polls every WEBHOOK_DISPATCH_INTERVAL_MS
 * (250 ms; job schedulers add a Redis round trip and ~1 s granularity), drains a backlog without
 * waiting (a full batch polls again at once), costs one indexed query when idle, and stops with the
 * app. Concurrent loops in several workers are safe: the claim uses SKIP LOCKED and deliveries are
 * unique per (webhook, outbox row); a job id is the delivery id, so re-enqueueing is a no-op.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private timer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  private lastSweep = Date.now();

  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly queue: DeliveryQueue,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) {
      return;
    }
    this.timer = setTimeout(() => {
      this.running = this.tick().then((more) => this.schedule(more ? 0 : this.config.env.WEBHOOK_DISPATCH_INTERVAL_MS));
    }, delayMs);
    this.timer.unref();
  }

  /** One pass; true when the batch was full (more rows are probably waiting). */
  async tick(): Promise<boolean> {
    try {
      const { claimed, deliveries } = await this.deliveries.dispatchOutbox(BATCH);
      // Committed before enqueueing: a job never runs ahead of its delivery row. If this process
      // dies in between, the sweep finds the delivery overdue and enqueues it.
      await this.queue.enqueue(deliveries);
      if (Date.now() - this.lastSweep > SWEEP_EVERY_MS) {
        this.lastSweep = Date.now();
        await this.sweep();
      }
      return claimed === BATCH;
    } catch (error) {
      if (!this.stopped) {
        this.logger.warn({ err: error }, 'webhook dispatch failed; retrying on the next tick');
      }
      return false;
    }
  }

  /** Re-enqueues deliveries whose job was lost; a delivery whose job still exists is left alone by BullMQ. */
  private async sweep(): Promise<void> {
    const now = Date.now();
    const lost = await this.deliveries.overdue(new Date(now - OVERDUE_MS), new Date(now - SWEEP_WINDOW_MS), BATCH);
    if (lost.length > 0) {
      this.logger.warn({ count: lost.length }, 're-enqueueing overdue webhook deliveries');
      await this.queue.enqueue(lost);
    }
  }
}
