import { recoveryFor } from './job-sweeper.service';

const HOUR = 3_600_000;

describe('recoveryFor', () => {
  it('leaves a job that will still run alone', () => {
    for (const state of ['waiting', 'delayed', 'prioritized', 'active'] as const) {
      expect(recoveryFor({ state }, HOUR, 24 * HOUR)).toEqual({ action: 'wait' });
    }
  });

  it('queues a lost, failed or finished job again while the record is young enough', () => {
    for (const state of ['unknown', 'failed', 'completed'] as const) {
      expect(recoveryFor({ state }, HOUR, 24 * HOUR)).toEqual({ action: 'requeue' });
    }
  });

  it('fails a record past the maximum age, with the last error, unless its job is running', () => {
    expect(recoveryFor({ state: 'failed', failedReason: 'Database unavailable: x' }, 25 * HOUR, 24 * HOUR)).toEqual({
      action: 'fail',
      reason: 'Not processed within 24 h of being accepted; last error: Database unavailable: x',
    });
    expect(recoveryFor({ state: 'delayed' }, 25 * HOUR, 24 * HOUR).action).toBe('fail');
    expect(recoveryFor({ state: 'active' }, 25 * HOUR, 24 * HOUR).action).toBe('wait');
  });
});
