import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { AppError, ErrorCode, MetricsService } from '@app/core';
import { VectorIndexService } from '@app/memories';
import { QueueName, QueueService } from '@app/queue';
import { Public } from '../http/decorators';

/**
 * Prometheus metrics of the API process: off unless METRICS_ENABLED (404), and with METRICS_TOKEN
 * set only for `Authorization: Bearer <token>` (401). Queue depths (from BullMQ) and the vectors waiting
 * for indexing (from Postgres) are read here, once per scrape, so the worker's registry leaves them out.
 */
@ApiTags('operations')
@Public()
@Controller()
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    queue: QueueService,
    vectorIndexes: VectorIndexService,
  ) {
    metrics.onScrape(async () => {
      metrics.pendingVectors.reset();
      metrics.pendingVectors.set(await vectorIndexes.pendingCount());
    });
    metrics.onScrape(async () => {
      // Reset first: a failed read leaves the gauges out instead of showing the last values.
      metrics.queueJobs.reset();
      metrics.webhookRetryBacklog.reset();
      const depths = await queue.depths();
      for (const [name, counts] of Object.entries(depths)) {
        for (const [state, jobs] of Object.entries(counts)) {
          metrics.queueJobs.set({ queue: name, state }, jobs);
        }
      }
      // A delivery waiting for its retry is a delayed job (first attempts are queued without delay).
      metrics.webhookRetryBacklog.set(depths[QueueName.WebhookDelivery].delayed);
    });
  }

  @Get('metrics')
  @ApiOperation({ summary: 'Prometheus metrics (METRICS_ENABLED; `Authorization: Bearer <METRICS_TOKEN>` when set)' })
  @ApiProduces('text/plain')
  @ApiResponse({ status: 200, description: 'Prometheus text format', schema: { type: 'string' } })
  async prometheusMetrics(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    if (!this.metrics.enabled) {
      throw AppError.detail(ErrorCode.NotFound, 'Not found.');
    }
    if (!this.metrics.authorized(authorization)) {
      throw AppError.detail(ErrorCode.Unauthenticated, 'Invalid or missing metrics token.');
    }
    void reply.header('Content-Type', this.metrics.contentType);
    return this.metrics.scrape();
  }
}
