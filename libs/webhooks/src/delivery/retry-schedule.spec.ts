import {
  classifyResponse,
  DeliveryRetry,
  MAX_DELIVERY_ATTEMPTS,
  nextRetryDelay,
  parseRetryAfter,
  retryDelay,
  webhookBackoff,
} from './retry-schedule';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('webhook retry schedule', () => {
  const middle = () => 0.5;

  it('retries 9 times over about three days with the default 30 s base', () => {
    const delays = Array.from({ length: MAX_DELIVERY_ATTEMPTS - 1 }, (_, i) => retryDelay(i + 1, 30_000, middle));
    expect(delays).toEqual([
      30_000,
      2 * MINUTE,
      10 * MINUTE,
      30 * MINUTE,
      2 * HOUR,
      6 * HOUR,
      12 * HOUR,
      24 * HOUR,
      24 * HOUR,
    ]);
    const total = delays.reduce((sum, delay) => sum + delay, 0);
    expect(total / (24 * HOUR)).toBeGreaterThan(2.8);
    expect(total / (24 * HOUR)).toBeLessThan(3.1);
  });

  it('spreads each delay by ±20% and never goes past the last step', () => {
    expect(retryDelay(1, 30_000, () => 0)).toBe(24_000);
    expect(retryDelay(1, 30_000, () => 1)).toBe(36_000);
    expect(retryDelay(50, 50, middle)).toBe(retryDelay(9, 50, middle));
    expect(retryDelay(0, 50, middle)).toBe(50);
    for (let i = 0; i < 100; i++) {
      const delay = retryDelay(2, 1000);
      expect(delay).toBeGreaterThanOrEqual(3200);
      expect(delay).toBeLessThanOrEqual(4800);
    }
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-11-23T10:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(['7'], now)).toBe(7000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 10:05:00 GMT', now)).toBe(5 * MINUTE);
    expect(parseRetryAfter('Mon, 23 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });

  it('waits for Retry-After when it asks for longer than the schedule, up to the cap', () => {
    const options = { baseMs: 30_000, retryAfterCapMs: HOUR };
    expect(nextRetryDelay(1, { ...options, retryAfterMs: 5 * MINUTE }, middle)).toBe(5 * MINUTE);
    expect(nextRetryDelay(1, { ...options, retryAfterMs: 1000 }, middle)).toBe(30_000);
    expect(nextRetryDelay(1, { ...options, retryAfterMs: 10 * HOUR }, middle)).toBe(HOUR);
    expect(nextRetryDelay(6, { ...options, retryAfterMs: 10 * HOUR }, middle)).toBe(6 * HOUR);
  });

  it('classifies receiver answers', () => {
    expect([200, 201, 204, 299].map(classifyResponse)).toEqual(['success', 'success', 'success', 'success']);
    expect([null, 408, 429, 500, 502, 503].map(classifyResponse)).toEqual(Array(6).fill('retry'));
    expect([301, 400, 401, 404, 413].map(classifyResponse)).toEqual(Array(5).fill('final'));
    expect(classifyResponse(410)).toBe('gone');
  });

  it("gives BullMQ the handler's delay, or the schedule from the job's base delay", () => {
    expect(webhookBackoff(3, 'webhook', new DeliveryRetry('503', 1234))).toBe(1234);
    const job = { opts: { backoff: { type: 'webhook', delay: 100 } } } as never;
    const delay = webhookBackoff(2, 'webhook', new Error('db down'), job) as number;
    expect(delay).toBeGreaterThanOrEqual(320);
    expect(delay).toBeLessThanOrEqual(480);
  });
});
