import request from 'supertest';
import { TestApp } from './test-app';

export interface EventBody {
  id: string;
  status: 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  event_type: string;
  results: Record<string, unknown>[];
  error: string | null;
  [key: string]: unknown;
}

/** Polls GET /v1/event/{id}/ until the event has finished, as a client would. */
export async function waitForEvent(t: TestApp, key: string, eventId: string, timeoutMs = 15_000): Promise<EventBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await request(t.http)
      .get(`/v1/event/${eventId}/`)
      .set('Authorization', `Token ${key}`)
      .expect(200);
    const body = response.body as EventBody;
    if (body.status === 'SUCCEEDED' || body.status === 'FAILED') {
      return body;
    }
    if (Date.now() > deadline) {
      throw new Error(`event ${eventId} still ${body.status} after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Polls until `check` returns a value (not undefined), for asynchronous follow-ups like categorisation. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error('condition not met in time');
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
