import {
  Context,
  context,
  propagation,
  ROOT_CONTEXT,
  Span,
  SpanOptions,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';

/** The job data field carrying the enqueuer's trace context (W3C `traceparent`) to the worker. */
export const TRACE_CARRIER = 'traceContext';

export type TraceCarrier = Record<string, string>;

export const tracer = () => trace.getTracer('mem0-server');

/** Runs `run` in a new active span under `parent`; a rejection marks the span as an error. */
export function inSpan<T>(
  name: string,
  options: SpanOptions,
  run: (span: Span) => Promise<T>,
  parent: Context = context.active(),
): Promise<T> {
  return tracer().startActiveSpan(name, options, parent, async (span) => {
    try {
      return await run(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * Runs one `run` inside a span per traced caller, each under the trace its carrier came from (work done
 * once for several requests, like a batched publish); `run` gets each span's own carrier to hand on.
 */
export async function inSpans<T>(
  name: string,
  options: SpanOptions,
  parents: (TraceCarrier | undefined)[],
  run: (carriers: (TraceCarrier | undefined)[]) => Promise<T>,
): Promise<T> {
  const spans = parents.map((parent) =>
    parent ? tracer().startSpan(name, options, contextFromCarrier(parent)) : null,
  );
  const carriers = spans.map((span) => {
    if (!span) return undefined;
    const carrier: TraceCarrier = {};
    propagation.inject(trace.setSpan(ROOT_CONTEXT, span), carrier);
    return carrier;
  });
  try {
    return await run(carriers);
  } catch (error) {
    for (const span of spans) {
      span?.recordException(error instanceof Error ? error : String(error));
      span?.setStatus({ code: SpanStatusCode.ERROR });
    }
    throw error;
  } finally {
    spans.forEach((span) => span?.end());
  }
}

/** The active trace context as a carrier, or undefined when nothing is traced. */
export function currentTraceCarrier(): TraceCarrier | undefined {
  const carrier: TraceCarrier = {};
  propagation.inject(context.active(), carrier);
  return Object.keys(carrier).length > 0 ? carrier : undefined;
}

/** The context a carrier (job data, request headers) describes; the root context without one. */
export function contextFromCarrier(carrier: unknown): Context {
  return carrier && typeof carrier === 'object' ? propagation.extract(ROOT_CONTEXT, carrier) : ROOT_CONTEXT;
}
