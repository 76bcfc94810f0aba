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

/**
 * How the platform's body carries an error, since its bodies differ by route: the sentence under
 * `detail`, `error` or `message`, under both `error` and `detail` (the hosted service's login and event
 * routes), or alone in a list (DRF's bare ValidationError); the field map bare (`fields`) or under
 * `errors`; the add routes' `{error, details: {message, reason}}`; a readiness `report` as it is.
 */
export type ErrorShape =
  'detail' | 'error' | 'message' | 'error-and-detail' | 'list' | 'fields' | 'errors' | 'add' | 'report';

/** What an error says besides its sentence. */
export interface ErrorDetails {
  /** The platform's rendering hint; `detail` when absent. */
  shape?: ErrorShape;
  /** What is wrong with each field of the request (DRF's field map). */
  fields?: Record<string, string[]>;
  /** A code clients act on (the CLI explains `agentrush_not_provisioned` itself). */
  clientCode?: string;
  /** The add event the failure ended. */
  eventId?: string;
  /** A readiness report (Terminus's), sent as it is. */
  report?: Record<string, unknown>;
}

/** DRF's field map in one sentence: the first field's problems, named by the field. */
function fieldsSentence(fields: Record<string, string[]>): string {
  const [field, problems] = Object.entries(fields)[0] ?? ['non_field_errors', ['Invalid request.']];
  return field === 'non_field_errors' ? problems.join(' ') : `${field}: ${problems.join(' ')}`;
}

/** A domain error: what went wrong (code), in one sentence, with structured details; each surface renders it. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetails,
  ) {
    super(message);
  }

  static detail(code: ErrorCode, detail: string): AppError {
    return new AppError(code, detail);
  }

  static error(code: ErrorCode, error: string): AppError {
    return new AppError(code, error, { shape: 'error' });
  }

  static message(code: ErrorCode, message: string): AppError {
    return new AppError(code, message, { shape: 'message' });
  }

  /** A request rule no field carries, which DRF renders as a bare list. */
  static listed(code: ErrorCode, text: string): AppError {
    return new AppError(code, text, { shape: 'list' });
  }

  /** Problems by field; `errors` nests them under that key, as the organization routes do. */
  static fields(code: ErrorCode, fields: Record<string, string[]>, shape: 'fields' | 'errors' = 'fields'): AppError {
    return new AppError(code, fieldsSentence(fields), { shape, fields });
  }

  /** An add refused, with what was wrong (`reason`) and, from validation, the problems by field. */
  static invalidAdd(
    code: ErrorCode.BadRequest | ErrorCode.PayloadTooLarge,
    reason: string,
    fields?: Record<string, string[]>,
  ): AppError {
    return new AppError(code, reason, { shape: 'add', ...(fields ? { fields } : {}) });
  }

  /** An add whose processing failed, naming its event. */
  static eventFailed(code: ErrorCode, detail: string, eventId: string): AppError {
    return new AppError(code, detail, { eventId });
  }

  /** A feature of the hosted service that a self-hosted server does not offer. */
  static notOffered(text: string, clientCode?: string): AppError {
    return new AppError(ErrorCode.NotImplemented, text, {
      shape: 'error-and-detail',
      ...(clientCode ? { clientCode } : {}),
    });
  }

  /** A failed readiness check, with its report. */
  static unready(report: Record<string, unknown>): AppError {
    return new AppError(ErrorCode.Unavailable, 'Not ready.', { shape: 'report', report });
  }
}

export const PERMISSION_DENIED = 'You do not have permission to perform this action.';
export const NOT_FOUND = 'Not found.';
