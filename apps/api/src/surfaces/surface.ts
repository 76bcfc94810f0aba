import { Type } from '@nestjs/common';
import { AppConfig, RateLimitRule } from '@app/core';

/** An error as it leaves: its status and JSON body. */
export interface RenderedError {
  status: number;
  body: unknown;
}

/** What every error comes to before a surface renders it: a status and a sentence (a 500 also its id). */
export interface Failure {
  status: number;
  message: string;
  errorId?: string;
}

/** `{detail}`, with the `error_id` of a 500: how the platform and FastAPI answer most errors. */
export const detailBody = ({ message, errorId }: Failure) => ({
  detail: message,
  ...(errorId ? { error_id: errorId } : {}),
});

/** A request before routing, as Fastify's `rewriteUrl` sees it. */
export interface RawRequest {
  url?: string;
  method?: string;
  headers: Record<string, string | string[] | undefined>;
}

export type SurfaceName = 'platform' | 'oss' | 'memory-service' | 'memory-system';

/**
 * One API served by this server: the Mem0 Platform's, or a self-hosted mem0 server's. Each has its
 * routes, its error shapes and its 401 scheme; the engine underneath is shared.
 */
export interface Surface {
  name: SurfaceName;
  /** The path prefix its routes are also (or only) served under; the platform has none. */
  prefix: string | null;
  /** Whether a (rewritten) request path is this surface's. */
  matches(path: string): boolean;
  /** A request meant for this surface though sent without its prefix (a path the platform also serves). */
  claims?(request: RawRequest): boolean;
  /** The scheme its 401s name in `WWW-Authenticate`. */
  authScheme: 'Token' | 'Bearer';
  /**
   * How its request validation reports a problem: the platform's field map (which each route renders
   * in its own shape) or the self-hosted servers' pydantic problem list.
   */
  validationErrors: 'fields' | 'problems';
  /** How this surface answers an error: from an AppError's code, message and details, else its failure. */
  renderError(error: unknown, failure: Failure): RenderedError;
  /** Its own rate-limit counters (the platform's are core configuration). */
  rateLimits?(config: AppConfig): RateLimitRule[];
  controllers: Type[];
}

/** Whether a path is `prefix` itself or under it. */
export const isUnder = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

/** A request header's first value, trimmed. */
export function header(request: RawRequest, name: string): string | undefined {
  const value = request.headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim();
}
