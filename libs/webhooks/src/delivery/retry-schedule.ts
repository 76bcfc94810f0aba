import type { BackoffStrategy } from 'bullmq';

/**
 * Delay before each retry as a multiple of the base (WEBHOOK_RETRY_BASE_MS, 30 s by default):
 * 30 s, 2 min, 10 min, 30 min, 2 h, 6 h, 12 h, 24 h, 24 h, so the last of the 10 attempts comes
 * about three days after the first (svix's schedule, stretched).
 */
export const RETRY_MULTIPLIERS = [1, 4, 20, 60, 240, 720, 1440, 2880, 2880];

/** The first attempt plus one per retry. */
export const MAX_DELIVERY_ATTEMPTS = RETRY_MULTIPLIERS.length + 1;

/** The BullMQ backoff type of delivery jobs; the worker's `webhookBackoff` computes it. */
export const WEBHOOK_BACKOFF = 'webhook';

const JITTER = 0.2;

/** Delay after failed attempt `attempt` (1-based), spread by ±20% so a failing receiver's retries don't arrive in lockstep. */
export function retryDelay(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const index = Math.min(Math.max(attempt, 1), RETRY_MULTIPLIERS.length) - 1;
  const nominal = RETRY_MULTIPLIERS[index] * baseMs;
  return Math.round(nominal * (1 - JITTER + 2 * JITTER * random()));
}

/** `Retry-After` as milliseconds from now: delta seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) {
    return undefined;
  }
  if (/^\d+$/.test(value)) {
    return Number(value) * 1000;
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The schedule's delay, or the receiver's `Retry-After` (capped) when that asks for longer. */
export function nextRetryDelay(
  attempt: number,
  options: { baseMs: number; retryAfterMs?: number; retryAfterCapMs: number },
  random: () => number = Math.random,
): number {
  const scheduled = retryDelay(attempt, options.baseMs, random);
  const asked = Math.min(options.retryAfterMs ?? 0, options.retryAfterCapMs);
  return Math.max(scheduled, asked);
}

export type ResponseClass = 'success' | 'retry' | 'final' | 'gone';

/**
 * What a receiver's answer means: any 2xx delivers; no answer (network error, timeout), 408, 429
 * and 5xx are retried; 410 Gone is final and switches the webhook off; anything else (other 4xx,
 * an unfollowed 3xx) is final.
 */
export function classifyResponse(statusCode: number | null): ResponseClass {
  if (statusCode === null || statusCode === 408 || statusCode === 429 || statusCode >= 500) {
    return 'retry';
  }
  if (statusCode >= 200 && statusCode < 300) {
    return 'success';
  }
  return statusCode === 410 ? 'gone' : 'final';
}

/** Thrown by the delivery handler to have BullMQ run the same job (same delivery id) again after `delayMs`. */
export class DeliveryRetry extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
  }
}

/**
 * The worker's custom backoff: the delay the handler chose (schedule, jitter, Retry-After), or for an
 * unexpected error (database down) the plain schedule from the job's base delay.
 */
export const webhookBackoff: BackoffStrategy = (attemptsMade, _type, error, job) => {
  if (error instanceof DeliveryRetry) {
    return error.delayMs;
  }
  const backoff = job?.opts.backoff;
  const base = typeof backoff === 'object' && backoff.delay ? backoff.delay : 30_000;
  return retryDelay(attemptsMade, base);
};
