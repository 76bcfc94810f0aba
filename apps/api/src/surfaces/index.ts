import { MEMORY_SERVICE } from './memory-service/surface';
import { MEMORY_SYSTEM } from './memory-system/surface';
import { OSS } from './oss/surface';
import { PLATFORM } from './platform/surface';
import { header, isUnder, RawRequest, Surface } from './surface';

/**
 * Every API this server answers, one engine underneath. The OSS REST server and the Memory Service
 * are also served at their original root paths (which no platform path uses); a request names its
 * surface with the `X-Mem0-Surface` header, or a surface claims it (the Memory System's Bearer routes).
 */
export const SURFACES: Surface[] = [OSS, MEMORY_SERVICE, MEMORY_SYSTEM, PLATFORM];

export const SURFACE_HEADER = 'x-mem0-surface';

/** The surface a (rewritten) request path is for. */
export function surfaceOf(url: string): Surface {
  const path = url.split('?')[0];
  return SURFACES.find((surface) => surface.matches(path)) ?? PLATFORM;
}

const withPrefix = (prefix: string | null, url: string) =>
  !prefix || isUnder(url, prefix) || url.startsWith(`${prefix}?`) ? url : `${prefix}${url}`;

/** Fastify's `rewriteUrl`: sends a request meant for a surface to that surface's prefix. */
export function rewriteSurfaceUrl(request: RawRequest): string {
  const url = request.url ?? '/';
  const chosen = header(request, SURFACE_HEADER)?.toLowerCase();
  const named = SURFACES.find((surface) => surface.name === chosen);
  const surface = named ?? SURFACES.find((candidate) => candidate.claims?.(request));
  return withPrefix(surface?.prefix ?? null, url);
}
