import request from 'supertest';
import { TestApp } from './test-app';

/** The UTC date `back` days ago, as the Memory Service's short-term run_ids are written. */
export const day = (back: number) => new Date(Date.now() - back * 86_400_000).toISOString().slice(0, 10);
export const ZERO_USAGE = { llm_calls: 0, input_tokens: 0, output_tokens: 0, total_tokens: 0 };

export type OssItem = { id: string; memory: string; score: number | null; source?: string } & Record<string, unknown>;

/** The mem0 OSS memory item, exactly: the item fields, then the ids that are set. */
export const ossItem = (fields: Partial<OssItem>) => ({
  id: expect.any(String),
  memory: expect.any(String),
  hash: expect.stringMatching(/^[0-9a-f]{32}$/),
  metadata: null,
  score: null,
  created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*\+00:00$/),
  updated_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*\+00:00$/),
  ...fields,
});

export type Method = 'get' | 'post' | 'put' | 'delete';

/** Supertest on one app: `caller(() => t)('post', '/memory/add', body, headers)`. */
export const caller =
  (t: () => TestApp) =>
  (method: Method, path: string, body?: object, headers: Record<string, string> = {}) => {
    const test = request(t().http)[method](path).set(headers);
    return body === undefined ? test : test.send(body);
  };
