import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';
import { AddLimits, AppConfig, AppError, ErrorCode } from '@app/core';
import { addLimitProblem } from '@app/memories';

/**
 * Refuses an add over ADD_MAX_MESSAGES, ADD_MAX_MESSAGE_CHARS or ADD_MAX_METADATA_BYTES (each surface
 * renders it its own way; the platform in the add routes' shape): 400 for too many messages, 413 for
 * too much text or metadata.
 */
export function refuseOverLimits(body: unknown, limits: AddLimits): void {
  const problem = addLimitProblem(body, limits);
  if (!problem) {
    return;
  }
  const code = problem.tooLarge ? ErrorCode.PayloadTooLarge : ErrorCode.BadRequest;
  throw AppError.invalidAdd(code, problem.sentence);
}

/** Runs before the route's pipes: a huge add is refused before it is validated message by message. */
@Injectable()
export class AddLimitsInterceptor implements NestInterceptor {
  constructor(private readonly config: AppConfig) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    refuseOverLimits(request.body, this.config.addLimits);
    return next.handle();
  }
}
