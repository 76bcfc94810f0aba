import { CallHandler, ConflictException, ExecutionContext, Logger } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { lastValueFrom, of } from 'rxjs';
import { ClaimResult, IdempotencyStore, loadConfig } from '@app/core';
import {
  fingerprintOf,
  IdempotencyInterceptor,
  IN_FLIGHT,
  registerIdempotencyHook,
  REPLAYED_HEADER,
} from './idempotency.interceptor';

type OnSend = (request: unknown, reply: unknown, payload: unknown) => Promise<unknown>;

function fakeStore(claims: (ClaimResult | Error)[]) {
  return {
    claim: jest.fn(() => {
      const next = claims.length > 1 ? claims.shift()! : claims[0];
      return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
    }),
    complete: jest.fn(() => Promise.resolve(true)),
    release: jest.fn(() => Promise.resolve()),
  };
}

function setup(claims: (ClaimResult | Error)[], waitSeconds = '0') {
  const store = fakeStore(claims);
  const interceptor = new IdempotencyInterceptor(
    store as unknown as IdempotencyStore,
    loadConfig({ IDEMPOTENCY_WAIT_SECONDS: waitSeconds }),
  );
  const request = {
    method: 'POST',
    url: '/v3/memories/add/',
    body: { messages: 'hi', user_id: 'u' },
    headers: { 'idempotency-key': 'k-1' },
    routeOptions: { url: '/v3/memories/add' },
    user: { keyId: 'key-1' },
  };
  const headers: Record<string, string> = {};
  const reply = {
    statusCode: 200,
    status: jest.fn(function (this: { statusCode: number }, code: number) {
      this.statusCode = code;
      return this;
    }),
    header: jest.fn(function (this: unknown, name: string, value: string) {
      headers[name.toLowerCase()] = value;
      return this;
    }),
    getHeader: (name: string) => headers[name.toLowerCase()],
  };
  const context = {
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }),
    getHandler: () => function handler() {},
    getClass: () => class Controller {},
  } as unknown as ExecutionContext;
  const handler = jest.fn(() => of({ event_id: 'e-1' }));
  const next: CallHandler = { handle: handler };
  const run = async () => lastValueFrom(await interceptor.intercept(context, next));
  return { store, request, reply, headers, handler, run };
}

const inFlight = (fingerprint: string): ClaimResult => ({
  claimed: false,
  record: { state: 'in_flight', fingerprint, lease: 'other' },
});

describe('IdempotencyInterceptor', () => {
  it('fails open when Redis is unreachable: the request runs without the guarantee', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { run, handler } = setup([new Error('connect ECONNREFUSED')]);
    await expect(run()).resolves.toEqual({ event_id: 'e-1' });
    expect(handler).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/Idempotency-Key not applied: connect ECONNREFUSED/));
    warn.mockRestore();
  });

  it('answers 409 when the first request is still in flight after the wait', async () => {
    const { run, handler } = setup([inFlight(fingerprintOf(setup([]).request))]);
    await expect(run()).rejects.toThrow(new ConflictException(IN_FLIGHT));
    expect(handler).not.toHaveBeenCalled();
  });

  it('waits for the request in flight and replays its answer', async () => {
    const fingerprint = fingerprintOf(setup([]).request);
    const done: ClaimResult = {
      claimed: false,
      record: {
        state: 'done',
        fingerprint,
        response: { status: 404, body: '{"error":"Memory not found!"}', contentType: 'application/json' },
      },
    };
    const { run, handler, reply, headers } = setup([inFlight(fingerprint), inFlight(fingerprint), done], '5');
    await expect(run()).resolves.toBe('{"error":"Memory not found!"}');
    expect(handler).not.toHaveBeenCalled();
    expect(reply.statusCode).toBe(404);
    expect(headers[REPLAYED_HEADER.toLowerCase()]).toBe('true');
  });

  it('fingerprints ignore key order, query order and a trailing slash, but not values', () => {
    const base = { method: 'POST', url: '/v1/x/?b=2&a=1', body: { a: 1, b: { c: 2, d: [1, { e: 3, f: 4 }] } } };
    expect(fingerprintOf(base)).toBe(
      fingerprintOf({ method: 'POST', url: '/v1/x?a=1&b=2', body: { b: { d: [1, { f: 4, e: 3 }], c: 2 }, a: 1 } }),
    );
    expect(fingerprintOf(base)).not.toBe(fingerprintOf({ ...base, body: { ...base.body, a: 2 } }));
    expect(fingerprintOf(base)).not.toBe(fingerprintOf({ ...base, method: 'PUT' }));
  });

  describe('the onSend hook', () => {
    async function sendWith(statusCode: number, payload: unknown) {
      const claimed = setup([{ claimed: true, lease: 'lease-1' }]);
      await claimed.run();
      let onSend: OnSend | undefined;
      const app = {
        get: () => claimed.store,
        getHttpAdapter: () => ({ getInstance: () => ({ addHook: (_: string, hook: OnSend) => (onSend = hook) }) }),
      } as unknown as NestFastifyApplication;
      registerIdempotencyHook(app);
      claimed.reply.statusCode = statusCode;
      claimed.reply.header('Content-Type', 'application/json; charset=utf-8');
      await expect(onSend!(claimed.request, claimed.reply, payload)).resolves.toBe(payload);
      return claimed.store;
    }

    it('stores 2xx and 4xx answers for replay', async () => {
      const store = await sendWith(400, '{"detail":"bad"}');
      expect(store.complete).toHaveBeenCalledWith(expect.any(String), 'lease-1', {
        status: 400,
        body: '{"detail":"bad"}',
        contentType: 'application/json; charset=utf-8',
      });
      expect(store.release).not.toHaveBeenCalled();
    });

    it('releases the key on a 5xx so that a retry runs again', async () => {
      const store = await sendWith(500, '{"detail":"Internal server error."}');
      expect(store.release).toHaveBeenCalledWith(expect.any(String), 'lease-1');
      expect(store.complete).not.toHaveBeenCalled();
    });
  });
});
