import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig, MetricsService } from '@app/core';

/**
 * The worker's own registry (job runs, webhook attempts, AI calls, its pool) served on
 * WORKER_METRICS_PORT when METRICS_ENABLED: a second scrape target beside the API's /metrics, with
 * the same token. Only `GET /metrics` is served.
 */
@Injectable()
export class WorkerMetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerMetricsServer.name);
  private server?: Server;

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  get port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.metrics.enabled) {
      return;
    }
    const server = createServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0].replace(/\/$/, '');
      if (request.method !== 'GET' || path !== '/metrics') {
        response.writeHead(404, { 'Content-Type': 'application/json' }).end('{"detail":"Not found."}');
      } else if (!this.metrics.authorized(request.headers.authorization)) {
        response.writeHead(401, { 'Content-Type': 'application/json' }).end('{"detail":"Invalid metrics token."}');
      } else {
        this.metrics.scrape().then(
          (text) => response.writeHead(200, { 'Content-Type': this.metrics.contentType }).end(text),
          () => response.writeHead(500).end(),
        );
      }
    });
    const { HOST, WORKER_METRICS_PORT } = this.config.env;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(WORKER_METRICS_PORT, HOST, resolve);
    });
    this.server = server;
    this.logger.log(`worker metrics on port ${this.port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
