import { existsSync, statSync } from 'node:fs';
import { extname, resolve, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where `vite build` writes the dashboard (dashboard/vite.config.mts): under the working directory npm start and the image use. */
const DASHBOARD_DIR = resolve('dist/dashboard');

const NOT_BUILT =
  'The dashboard is not built: `npm start` builds it (or `npx vite build --config dashboard/vite.config.mts`).';

/**
 * The admin dashboard at /dashboard, public like /docs (it signs in with an API key in the browser).
 * Client-side routes (/dashboard/memories/...) answer index.html; a missing asset file answers 404.
 */
export function registerDashboard(fastify: FastifyInstance): void {
  void fastify.register(async (scope) => {
    // Caching is set per file below: hashed assets forever, index.html always revalidated.
    await scope.register(fastifyStatic, { root: DASHBOARD_DIR, serve: false, cacheControl: false });
    const serve = (request: FastifyRequest, reply: FastifyReply) => {
      if (!existsSync(resolve(DASHBOARD_DIR, 'index.html'))) {
        return reply.code(503).type('application/json; charset=utf-8').send({ detail: NOT_BUILT });
      }
      const path = (request.params as { '*'?: string })['*'] ?? '';
      const file = resolve(DASHBOARD_DIR, path);
      if (path && file.startsWith(DASHBOARD_DIR + sep) && existsSync(file) && statSync(file).isFile()) {
        if (path.startsWith('assets/')) {
          void reply.header('Cache-Control', 'public, max-age=31536000, immutable');
        }
        return reply.sendFile(path);
      }
      if (extname(path)) {
        return reply.code(404).type('application/json; charset=utf-8').send({ detail: 'Not found.' });
      }
      void reply.header('Cache-Control', 'no-cache');
      return reply.sendFile('index.html');
    };
    scope.get('/dashboard', serve);
    scope.get('/dashboard/*', serve);
  });
}
