/**
 * The self-hosted mem0 servers served beside the platform API, one engine
 * underneath. Each has a prefix of its own; the OSS REST server and the Memory Service are also
 * served at their original root paths (which no platform path uses), and the Memory System's paths,
 * which collide with the platform's, are reached with `Authorization: Bearer` (the platform's
 * clients send `Token`) or with the `X-Mem0-Surface` header.
 */
export const SURFACES = {
  oss: '/oss',
  'memory-service': '/memory-service',
  'memory-system': '/memory-system',
} as const;

export type Surface = keyof typeof SURFACES;

/** How a surface renders errors: the platform's shapes, FastAPI's, or the Memory System envelope. */
export type ErrorStyle = 'platform' | 'fastapi' | 'envelope';

export const SURFACE_HEADER = 'x-mem0-surface';

const OSS_ROOT = /^\/(memories|search|configure|reset|generate-instructions)(\/|$)/;
const MEMORY_SERVICE_ROOT = /^\/(memory|health)(\/|$)/;

/** The Memory System routes (no trailing slash) whose paths the platform also serves, by method. */
const MEMORY_SYSTEM_ROUTES: [string, RegExp][] = [
  ['POST', /^\/v1\/memories$/],
  ['GET', /^\/v1\/memories\/(search|user\/[^/]+|[^/]+)$/],
  ['PUT', /^\/v1\/memories\/[^/]+$/],
  ['DELETE', /^\/v1\/memories\/[^/]+$/],
  ['GET', /^\/(status|metrics)$/],
];

interface RawRequest {
  url?: string;
  method?: string;
  headers: Record<string, string | string[] | undefined>;
}

const header = (request: RawRequest, name: string) => {
  const value = request.headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim();
};

const isSurface = (value: string): value is Surface => Object.hasOwn(SURFACES, value);

/** Fastify's `rewriteUrl`: sends a request meant for a surface to that surface's prefix. */
export function rewriteSurfaceUrl(request: RawRequest): string {
  const url = request.url ?? '/';
  const chosen = header(request, SURFACE_HEADER)?.toLowerCase();
  if (chosen && isSurface(chosen)) {
    const prefix = SURFACES[chosen];
    return url === prefix || url.startsWith(`${prefix}/`) || url.startsWith(`${prefix}?`) ? url : `${prefix}${url}`;
  }
  if (chosen === 'platform' || !/^Bearer\s/i.test(header(request, 'authorization') ?? '')) {
    return url;
  }
  const path = url.split('?')[0];
  const method = request.method?.toUpperCase();
  const memorySystem = MEMORY_SYSTEM_ROUTES.some(([verb, pattern]) => verb === method && pattern.test(path));
  return memorySystem ? `${SURFACES['memory-system']}${url}` : url;
}

/** The error style of a (rewritten) request path. */
export function errorStyleOf(url: string): ErrorStyle {
  const path = url.split('?')[0];
  if (path === SURFACES['memory-system'] || path.startsWith(`${SURFACES['memory-system']}/`)) {
    return 'envelope';
  }
  const prefixed = [SURFACES.oss, SURFACES['memory-service']].some(
    (prefix) => path === prefix || path.startsWith(`${prefix}/`),
  );
  return prefixed || OSS_ROOT.test(path) || MEMORY_SERVICE_ROOT.test(path) ? 'fastapi' : 'platform';
}
