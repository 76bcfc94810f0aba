import { AuthService } from '@app/auth';
import { AppError, Role } from '@app/core';
import { AdminService } from '@app/tenancy';
import { platformErrorBody } from '../../apps/api/src/surfaces/platform/surface';
import { createTestApp, TestApp } from '../utils/test-app';

describe('org_id / project_id sent by old clients', () => {
  let t: TestApp;
  let auth: AuthService;

  beforeAll(async () => {
    t = await createTestApp();
    auth = t.app.get(AuthService);
  });
  afterAll(() => t.close());

  const failure = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  };

  it('switches to another project the key’s user belongs to, with the role held there, else 403', async () => {
    const home = await t.newTenant('home');
    const other = await t.newTenant('other');
    const context = await auth.authenticate(home.key);
    expect(await auth.selectProject(context, home.orgId, home.projectId)).toBe(context);

    // A READER of `other` whose key lives in its own project switches there as READER.
    const reader = await t.newTenant('reader');
    await t.app.get(AdminService).addToProject(reader.email, other.projectId, Role.READER);
    const readerContext = await auth.authenticate(reader.key);
    expect(await auth.selectProject(readerContext, other.orgId, other.projectId)).toMatchObject({
      projectId: other.projectId,
      orgId: other.orgId,
      role: Role.READER,
    });

    // Not a member: the project exists, so 403, never its data.
    const error = await failure(auth.selectProject(context, other.orgId, other.projectId));
    expect(platformErrorBody(error)).toEqual({ detail: 'You do not have permission to perform this action.' });
  });

  it('answers 404 for unknown or mismatched ids and keeps the default when only one id (or empty values) is sent', async () => {
    const tenant = await t.newTenant('ids');
    const context = await auth.authenticate(tenant.key);
    const unknown = await failure(auth.selectProject(context, tenant.orgId, '00000000-0000-4000-8000-000000000000'));
    expect(platformErrorBody(unknown)).toEqual({ detail: 'Not found.' });
    const malformed = await failure(auth.selectProject(context, 'x', 'y'));
    expect(platformErrorBody(malformed)).toEqual({ detail: 'Not found.' });
    expect(await auth.selectProject(context, tenant.orgId, undefined)).toBe(context);
    expect(await auth.selectProject(context, '', '')).toBe(context);
    expect(await auth.selectProject(context, null, tenant.projectId)).toBe(context);
  });

  it('selects a second project of the same user and org', async () => {
    const tenant = await t.newTenant('multi');
    const created = await t.app.get(AdminService).createProject(tenant.orgId, 'second', tenant.email);
    const context = await auth.authenticate(tenant.key);
    const switched = await auth.selectProject(context, tenant.orgId, created.id);
    expect(switched).toMatchObject({
      projectId: created.id,
      orgId: tenant.orgId,
      role: Role.OWNER,
      userId: tenant.userId,
    });
  });
});
