/** What went wrong, independent of HTTP; the API's exception filter maps each code to a status. */
export enum ErrorCode {
  BadRequest = 'bad_request',
  Unauthenticated = 'unauthenticated',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  Conflict = 'conflict',
  PayloadTooLarge = 'payload_too_large',
  Throttled = 'throttled',
  Unavailable = 'unavailable',
  NotImplemented = 'not_implemented',
}

export type ErrorBody = Record<string, unknown> | unknown[];

/**
 * A domain error carrying the exact wire body the platform sends for it: the platform's bodies
 * are not uniform (`{detail}`, `{error}`, `{message}`, field maps), so the thrower chooses the shape.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly body: ErrorBody,
  ) {
    super(typeof body === 'object' && !Array.isArray(body) ? String(Object.values(body)[0]) : JSON.stringify(body));
  }

  static detail(code: ErrorCode, detail: string): AppError {
    return new AppError(code, { detail });
  }

  static error(code: ErrorCode, error: string): AppError {
    return new AppError(code, { error });
  }

  static message(code: ErrorCode, message: string): AppError {
    return new AppError(code, { message });
  }
}

export const PERMISSION_DENIED = 'You do not have permission to perform this action.';
export const NOT_FOUND = 'Not found.';
