import { randomUUID } from 'node:crypto';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, Dependency, ErrorCode, NOT_FOUND, unavailableDependency, unavailableMessage } from '@app/core';
import { surfaceOf } from '../surfaces';
import { Failure, RenderedError, Surface } from '../surfaces/surface';
import { SchemaValidationError } from './request-schema';

const STATUS: Record<ErrorCode, number> = {
  [ErrorCode.BadRequest]: HttpStatus.BAD_REQUEST,
  [ErrorCode.Unauthenticated]: HttpStatus.UNAUTHORIZED,
  [ErrorCode.Forbidden]: HttpStatus.FORBIDDEN,
  [ErrorCode.NotFound]: HttpStatus.NOT_FOUND,
  [ErrorCode.Conflict]: HttpStatus.CONFLICT,
  [ErrorCode.PayloadTooLarge]: HttpStatus.PAYLOAD_TOO_LARGE,
  [ErrorCode.Throttled]: HttpStatus.TOO_MANY_REQUESTS,
  [ErrorCode.Unavailable]: HttpStatus.SERVICE_UNAVAILABLE,
  [ErrorCode.NotImplemented]: HttpStatus.NOT_IMPLEMENTED,
};

/** What a 503 asks clients to wait: long enough for a restarting dependency, short enough to notice it is back. */
const OUTAGE_RETRY_AFTER_SECONDS = 5;
const OUTAGE_LOG_INTERVAL_MS = 5000;

/**
 * Every error leaves as JSON in the shapes of the surface the request was for; unknown ones as a 500
 * with an `error_id`.
 */
@Catch()
export class ExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ExceptionsFilter');
  private readonly outages = new Map<Dependency, { loggedAt: number; refused: number }>();

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.send(exception, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }

  /** Also answers the router's own errors (Fastify's `frameworkErrors`), raised before Nest has the request. */
  send(exception: unknown, request: FastifyRequest, reply: FastifyReply): void {
    const surface = surfaceOf(request.url);
    const { status, body } = this.renderFor(surface, exception, request);
    if (status === HttpStatus.UNAUTHORIZED) {
      reply.header('WWW-Authenticate', surface.authScheme);
    }
    if (status === HttpStatus.SERVICE_UNAVAILABLE) {
      reply.header('Retry-After', OUTAGE_RETRY_AFTER_SECONDS);
    }
    void reply.status(status).header('Content-Type', 'application/json; charset=utf-8').send(body);
  }

  /** The status and body an error answers the request with (the MCP tools answer with them too). */
  render(exception: unknown, request: FastifyRequest): RenderedError {
    return this.renderFor(surfaceOf(request.url), exception, request);
  }

  private renderFor(surface: Surface, exception: unknown, request: FastifyRequest): RenderedError {
    return surface.renderError(exception, this.failure(exception, request));
  }

  /** The status and sentence of any error; an unknown one is logged under the `errorId` it answers with. */
  private failure(exception: unknown, request: FastifyRequest): Failure {
    if (exception instanceof AppError) {
      return { status: STATUS[exception.code], message: exception.message };
    }
    if (exception instanceof SchemaValidationError) {
      return { status: HttpStatus.UNPROCESSABLE_ENTITY, message: exception.message };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return { status, message: status === HttpStatus.NOT_FOUND ? NOT_FOUND : this.describe(exception) };
    }
    const status = (exception as { statusCode?: unknown }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // Raised by Fastify before the route ran: body parsing, size limit, media type.
      return { status, message: (exception as Error).message };
    }
    const dependency = unavailableDependency(exception);
    if (dependency) {
      this.logOutage(dependency, exception);
      return { status: HttpStatus.SERVICE_UNAVAILABLE, message: unavailableMessage(dependency) };
    }
    const errorId = randomUUID();
    const requestId = (request.raw as { id?: unknown }).id;
    this.logger.error({ err: exception, errorId, requestId }, `unhandled error ${errorId}`);
    return { status: HttpStatus.INTERNAL_SERVER_ERROR, message: 'Internal server error.', errorId };
  }

  /**
   * Expected while a dependency is away (and /readyz says so): one line per dependency and interval,
   * with how many requests it refused, rather than a stack per request.
   */
  private logOutage(dependency: Dependency, exception: unknown): void {
    const entry = this.outages.get(dependency) ?? { loggedAt: 0, refused: 0 };
    entry.refused += 1;
    if (Date.now() - entry.loggedAt >= OUTAGE_LOG_INTERVAL_MS) {
      const reason = exception instanceof Error ? exception.message.trim().split('\n').pop() : String(exception);
      this.logger.warn(`${dependency} unavailable: ${entry.refused} request(s) answered 503 (${reason})`);
      entry.loggedAt = Date.now();
      entry.refused = 0;
    }
    this.outages.set(dependency, entry);
  }

  private describe(exception: HttpException): string {
    const response = exception.getResponse();
    if (typeof response === 'string') {
      return response;
    }
    const message = (response as { message?: unknown }).message;
    return Array.isArray(message) ? message.join('; ') : String(message ?? exception.message);
  }
}
