import {
  ArgumentMetadata,
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  ValidationPipe,
} from '@nestjs/common';
import { catchError, Observable, throwError } from 'rxjs';
import { AppError, ErrorCode, RequestValidationError } from '@app/core';
import { FilterError } from '@app/filters';
import { routeMetadata, VALIDATION_SHAPE, ValidationShape } from './decorators';

/**
 * class-validator DTOs with unknown keys stripped; an absent body validates as `{}`,
 * a non-object body is refused the way DRF refuses it.
 */
@Injectable()
export class RequestValidationPipe extends ValidationPipe {
  constructor() {
    super({
      transform: true,
      whitelist: true,
      forbidUnknownValues: false,
      exceptionFactory: (errors) => RequestValidationError.fromClassValidator(errors),
    });
  }

  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && metadata.metatype && this.toValidate(metadata)) {
      if (value === undefined || value === null) {
        value = {};
      } else if (typeof value !== 'object' || Array.isArray(value)) {
        const got = Array.isArray(value) ? 'list' : typeof value;
        throw new RequestValidationError({
          non_field_errors: [`Invalid data. Expected a dictionary, but got ${got}.`],
        });
      }
    }
    return super.transform(value, metadata);
  }
}

function invalid(shape: ValidationShape, fields: Record<string, string[]>, first: string): AppError {
  switch (shape) {
    case 'fields':
    case 'errors':
      return AppError.fields(ErrorCode.BadRequest, fields, shape);
    case 'message':
    case 'error':
    case 'detail':
      return AppError[shape](ErrorCode.BadRequest, first);
    case 'add':
      return AppError.invalidAdd(ErrorCode.BadRequest, first, fields);
  }
}

/** A validation failure (DTOs, and the filter compiler's, whose text is kept) as the 400 of a route's shape. */
export function shapedError(error: unknown, shape: ValidationShape): unknown {
  if (error instanceof RequestValidationError) {
    return invalid(shape, error.fields, error.firstMessage);
  }
  if (error instanceof FilterError) {
    return invalid(shape, { filters: [error.message] }, error.message);
  }
  return error;
}

/** Renders validation failures in the shape the route declares with @OnInvalid (pipes run inside it). */
@Injectable()
export class ValidationShapeInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        const shape = routeMetadata<ValidationShape>(context, VALIDATION_SHAPE) ?? 'fields';
        return throwError(() => shapedError(error, shape));
      }),
    );
  }
}
