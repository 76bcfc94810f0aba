import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { context, propagation, ProxyTracerProvider, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { AppConfig } from '../config/app-config';

/** The OTLP/HTTP traces URL of a collector's base URL, as the OpenTelemetry exporters build it. */
export function otlpTracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * The OpenTelemetry SDK, started only when OTEL_EXPORTER_OTLP_ENDPOINT is set: traces only (no
 * metrics or logs pipelines, no auto-instrumentation). Spans are made by hand (see spans.ts);
 * without the SDK they are the API's no-ops.
 */
@Injectable()
export class TracingService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(TracingService.name);
  private sdk?: NodeSDK;

  constructor(private readonly config: AppConfig) {}

  onModuleInit(): void {
    const endpoint = this.config.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    if (!endpoint) {
      return;
    }
    this.sdk = new NodeSDK({
      serviceName: this.config.env.OTEL_SERVICE_NAME,
      traceExporter: new OTLPTraceExporter({ url: otlpTracesUrl(endpoint) }),
      metricReaders: [],
      logRecordProcessors: [],
      instrumentations: [],
    });
    this.sdk.start();
    this.logger.log(`traces exported to ${otlpTracesUrl(endpoint)}`);
  }

  /** Sends the spans ended so far (the exporter batches them). */
  async flush(): Promise<void> {
    const provider = trace.getTracerProvider();
    const delegate = provider instanceof ProxyTracerProvider ? provider.getDelegate() : provider;
    await (delegate as { forceFlush?: () => Promise<void> }).forceFlush?.();
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.sdk) {
      return;
    }
    await this.sdk.shutdown().catch((error: unknown) => this.logger.warn({ err: error }, 'spans not all exported'));
    // The API's globals can be set once: clearing them lets another app in the same process start again.
    trace.disable();
    context.disable();
    propagation.disable();
    this.sdk = undefined;
  }
}
