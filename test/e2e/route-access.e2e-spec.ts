import { Controller, Post, RequestMethod, Type } from '@nestjs/common';
import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import request from 'supertest';
import { Role } from '@app/core';
import { ApiModule } from '../../apps/api/src/app.module';
import { ACCESS, accessOf, PUBLIC_ROUTE, RouteAccess } from '../../apps/api/src/http/decorators';
import { ROUTE_ACCESS } from '../fixtures/route-access';
import { createTestApp, TestApp } from '../utils/test-app';

/** A mutating route that declares nothing: the default must refuse READER keys. */
@Controller('test-only')
class UndeclaredController {
  @Post('touch')
  touch() {
    return { touched: true };
  }
}

const joinPath = (...parts: string[]) =>
  '/' +
  parts
    .flatMap((part) => part.split('/'))
    .filter(Boolean)
    .join('/');

/** Every route of the API module tree (method, path, declared-or-default access), public ones aside. */
function routeTable(root: Type): Record<string, RouteAccess> {
  const seen = new Set<unknown>();
  const controllers: Type[] = [];
  const walk = (entry: unknown) => {
    const module = (entry as { module?: Type }).module ?? (entry as Type);
    if (!module || seen.has(module)) return;
    seen.add(module);
    controllers.push(...((Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, module) ?? []) as Type[]));
    ((Reflect.getMetadata(MODULE_METADATA.IMPORTS, module) ?? []) as unknown[]).forEach(walk);
  };
  walk(root);
  const table: Record<string, RouteAccess> = {};
  for (const controller of controllers) {
    const bases = [Reflect.getMetadata(PATH_METADATA, controller) ?? ''].flat() as string[];
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, unknown>)[name];
      const method = typeof handler === 'function' ? Reflect.getMetadata(METHOD_METADATA, handler) : undefined;
      const meta = (key: string) => Reflect.getMetadata(key, handler as object) ?? Reflect.getMetadata(key, controller);
      if (method === undefined || meta(PUBLIC_ROUTE)) continue;
      const verb = RequestMethod[method as RequestMethod];
      const access = accessOf(verb, meta(ACCESS) as RouteAccess | undefined);
      for (const base of bases) {
        for (const path of [Reflect.getMetadata(PATH_METADATA, handler as object) ?? ''].flat() as string[]) {
          if (verb !== 'GET' || access !== 'read') table[`${verb} ${joinPath(base, path)}`] = access;
        }
      }
    }
  }
  return table;
}

describe('route access', () => {
  it('lists every mutating route (and every owner-only read) with its declared access', () => {
    expect(routeTable(ApiModule)).toEqual(ROUTE_ACCESS);
  });

  describe('a route that declares nothing', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ controllers: [UndeclaredController] });
    });
    afterAll(() => t.close());

    it('refuses a READER key and serves the OWNER', async () => {
      const owner = await t.newTenant('route-owner');
      const reader = await t.newMember(owner.projectId, Role.READER, 'route-reader');
      const refused = await request(t.http).post('/test-only/touch').set('Authorization', `Token ${reader.key}`);
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual({ detail: 'You do not have permission to perform this action.' });
      const served = await request(t.http).post('/test-only/touch').set('Authorization', `Token ${owner.key}`);
      expect(served.status).toBe(201);
      expect(served.body).toEqual({ touched: true });
    });
  });
});
