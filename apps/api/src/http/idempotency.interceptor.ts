import { createHash } from 'node:crypto';
import {
  BadRequestException,
  CallHandler,
  ConflictException,
  ExecutionContext,
  Injectable,
  Logger,
  NestInterceptor,
  UnprocessableEntityException,
} from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyReply, FastifyRequest } from 'fastify';
import { Observable, of } from 'rxjs';
import { AppConfig, ClaimResult, IdempotencyStore, StoredResponse } from '@app/core';
import { AuthContext } from '@app/auth';
import { MARKS_REPLAYS, READS_ONLY, routeMetadata } from './decorators';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';
export const IN_FLIGHT = 'A request with this Idempotency-Key is still being processed.';
export const KEY_REUSED = 'Idempotency-Key was already used with a different request.';
export const BAD_KEY = 'Idempotency-Key must be 1 to 255 visible ASCII characters.';

const VISIBLE_ASCII = /^[\x21-\x7e]{1,255}$/;
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const POLL_MS = 40;
const CLAIM = Symbol('idempotency-claim');

interface Claim {
  key: string;
  lease: string;
}

type IdempotentRequest = FastifyRequest & { user?: AuthContext; [CLAIM]?: Claim };

/**
 * `Idempotency-Key` on mutating routes: the first request claims the key and runs; a repeat with the same
 * fingerprint gets the stored answer (waiting while the first is in flight); a different request under the
 * same key answers 422. The answer is recorded by the onSend hook (registerIdempotencyHook), which sees the
 * response as sent, error filters included. Redis trouble lets requests through unprotected.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly log = new Logger(IdempotencyInterceptor.name);

  constructor(
    private readonly store: IdempotencyStore,
    private readonly config: AppConfig,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<IdempotentRequest>();
    const header = request.headers[IDEMPOTENCY_HEADER];
    if (header === undefined || !request.user || !MUTATING.has(request.method) || routeMetadata(context, READS_ONLY)) {
      return next.handle();
    }
    if (typeof header !== 'string' || !VISIBLE_ASCII.test(header)) {
      throw new BadRequestException(BAD_KEY);
    }
    const key = scopedKey(request.user.keyId, request.method, request.routeOptions.url ?? '', header);
    const fingerprint = fingerprintOf(request);
    const deadline = Date.now() + this.config.env.IDEMPOTENCY_WAIT_SECONDS * 1000;
    for (;;) {
      let claim: ClaimResult;
      try {
        claim = await this.store.claim(key, fingerprint);
      } catch (error) {
        // Same stance as the rate limiter: serve without the guarantee rather than fail while Redis is away.
        this.log.warn(`Idempotency-Key not applied: ${error instanceof Error ? error.message : String(error)}`);
        return next.handle();
      }
      if (claim.claimed) {
        request[CLAIM] = { key, lease: claim.lease };
        return next.handle();
      }
      if (claim.record.fingerprint !== fingerprint) {
        throw new UnprocessableEntityException(KEY_REUSED);
      }
      if (claim.record.state === 'done') {
        const reply = context.switchToHttp().getResponse<FastifyReply>();
        return of(replay(reply, claim.record.response, routeMetadata<boolean>(context, MARKS_REPLAYS) ?? false));
      }
      if (Date.now() >= deadline) {
        throw new ConflictException(IN_FLIGHT);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}

/** Records the answer of a claimed key as it leaves: 2xx-4xx are kept, 5xx (and unreplayable bodies) free the key. */
export function registerIdempotencyHook(app: NestFastifyApplication): void {
  const store = app.get(IdempotencyStore);
  const log = new Logger(IdempotencyInterceptor.name);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', async (request: IdempotentRequest, reply, payload) => {
      const claim = request[CLAIM];
      if (!claim) {
        return payload;
      }
      delete request[CLAIM];
      const body = payload === undefined || payload === null ? '' : payload;
      try {
        if (reply.statusCode >= 500 || !(typeof body === 'string' || Buffer.isBuffer(body))) {
          await store.release(claim.key, claim.lease);
        } else {
          const contentType = reply.getHeader('content-type');
          await store.complete(claim.key, claim.lease, {
            status: reply.statusCode,
            body: body.toString(),
            contentType: typeof contentType === 'string' ? contentType : null,
          });
        }
      } catch (error) {
        log.warn(`Idempotency-Key response not recorded: ${error instanceof Error ? error.message : String(error)}`);
      }
      return payload;
    });
}

function replay(reply: FastifyReply, response: StoredResponse, marked: boolean): string {
  void reply.status(response.status).header(REPLAYED_HEADER, 'true');
  if (response.contentType) {
    void reply.header('Content-Type', response.contentType);
  }
  return marked && response.status < 300 ? markedReplay(response.body) : response.body;
}

function markedReplay(body: string): string {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return body;
  }
  return value && typeof value === 'object' && !Array.isArray(value)
    ? JSON.stringify({ ...value, replayed: true })
    : body;
}

/** A key only means something per caller and per route. */
function scopedKey(keyId: string, method: string, route: string, idempotencyKey: string): string {
  return `${keyId}:${sha256(JSON.stringify([method, route, idempotencyKey]))}`;
}

/** Method, path (trailing slash and query order do not matter) and body with its keys sorted. */
export function fingerprintOf(request: Pick<FastifyRequest, 'method' | 'url' | 'body'>): string {
  const [path, query = ''] = request.url.split('?', 2);
  const params = new URLSearchParams(query);
  params.sort();
  const normalisedPath = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return sha256(JSON.stringify([request.method, normalisedPath, params.toString(), canonical(request.body)]));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(canonical);
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value ?? null;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
