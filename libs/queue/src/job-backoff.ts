import type { BackoffStrategy } from 'bullmq';

/** The BullMQ backoff type of every job but webhook deliveries (which follow their own schedule). */
export const JOB_BACKOFF = 'capped-exponential';

const JITTER = 0.2;

/** Delay after failed run `attempt` (1-based): base x 2^(attempt - 1), at most `maxMs`, spread by ±20%. */
export function cappedBackoff(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random) {
  const nominal = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempt, 1) - 1, 30));
  return Math.round(nominal * (1 - JITTER + 2 * JITTER * random()));
}

// BullMQ asks the worker's strategy for the delay with the error in hand, but the cap lives in the
// configuration, which only the processor holds: it notes the delay it chose for that error here.
const chosenDelays = new WeakMap<object, number>();

/** Notes the delay before the retry that follows this error; returns the error for rethrowing. */
export function retryAfter<E>(error: E, delayMs: number): E {
  if (error && typeof error === 'object') {
    chosenDelays.set(error, delayMs);
  }
  return error;
}

/** The workers' strategy for JOB_BACKOFF: the delay the processor noted, else the job's base delay. */
export const jobBackoff: BackoffStrategy = (_attemptsMade, _type, error, job) => {
  const noted = error ? chosenDelays.get(error) : undefined;
  const backoff = job?.opts.backoff;
  return noted ?? (typeof backoff === 'object' && backoff.delay ? backoff.delay : 1000);
};
