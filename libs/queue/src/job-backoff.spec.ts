import type { Job } from 'bullmq';
import { cappedBackoff, jobBackoff, retryAfter } from './job-backoff';

describe('job backoff', () => {
  it('doubles from the base up to the cap', () => {
    const middle = () => 0.5;
    expect([1, 2, 3, 4, 10, 40].map((attempt) => cappedBackoff(attempt, 1000, 300_000, middle))).toEqual([
      1000, 2000, 4000, 8000, 300_000, 300_000,
    ]);
  });

  it('spreads each delay by at most 20%', () => {
    expect(cappedBackoff(3, 1000, 300_000, () => 0)).toBe(3200);
    expect(cappedBackoff(3, 1000, 300_000, () => 1)).toBe(4800);
  });

  it('outlasts a half-hour outage with the default settings', () => {
    const total = Array.from({ length: 14 }, (_, index) => cappedBackoff(index + 1, 1000, 300_000, () => 0.5));
    expect(total.reduce((sum, delay) => sum + delay, 0)).toBeGreaterThan(30 * 60_000);
  });

  it('gives BullMQ the delay the processor noted for the error, else the base delay', () => {
    const job = { opts: { backoff: { type: 'capped-exponential', delay: 250 } } } as unknown as Job;
    const error = retryAfter(new Error('db down'), 12_345);
    expect(jobBackoff(3, 'capped-exponential', error, job)).toBe(12_345);
    expect(jobBackoff(3, 'capped-exponential', new Error('other'), job)).toBe(250);
  });
});
