import { Command } from 'commander';
import request from 'supertest';
import { AdminService, BootstrapService } from '@app/tenancy';
import { registerCommands } from '../../apps/admin/src/commands';
import { createTestApp, TestApp } from '../utils/test-app';

describe('admin CLI (npm run admin -- ...)', () => {
  let t: TestApp;
  let output: string[];

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  async function run(...args: string[]): Promise<string> {
    output = [];
    const log = jest.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => output.push(parts.join(' ')));
    const tableSpy = jest
      .spyOn(console, 'table')
      .mockImplementation((rows: unknown) => output.push(JSON.stringify(rows)));
    try {
      const program = new Command('admin').exitOverride();
      registerCommands(program, t.app.get(AdminService), t.app.get(BootstrapService));
      await program.parseAsync(args, { from: 'user' });
      return output.join('\n');
    } finally {
      log.mockRestore();
      tableSpy.mockRestore();
    }
  }

  it('creates users, orgs, projects and keys that work against the API, and revokes keys', async () => {
    expect(await run('user', 'create', 'ops@example.com', '--username', 'ops')).toMatch(/<ops@example.com> created/);
    const orgLine = await run('org', 'create', 'ops-org', '--owner', 'ops@example.com');
    const [, orgId, defaultProjectId] = /organization (\S+) created with default project (\S+)/.exec(orgLine) ?? [];
    expect(orgId).toBeDefined();
    const projectLine = await run('project', 'create', 'ops-project', '--org', orgId, '--owner', 'ops@example.com');
    const projectId = /project (\S+) created/.exec(projectLine)?.[1];
    expect(await run('project', 'list', '--org', orgId)).toContain(projectId);
    expect(await run('org', 'list')).toContain(orgId);

    const keyLine = await run('key', 'create', '--email', 'ops@example.com', '--project', projectId!, '--name', 'ci');
    const key = /(m0-\S+)$/.exec(keyLine)?.[1];
    const ping = await request(t.http).get('/v1/ping/').set('Authorization', `Token ${key}`).expect(200);
    expect(ping.body).toMatchObject({ org_id: orgId, project_id: projectId, user_email: 'ops@example.com' });

    const listed = await run('key', 'list', '--email', 'ops@example.com');
    expect(listed).toContain(key!.slice(0, 10));
    expect(listed).not.toContain(key);
    await run('key', 'revoke', key!.slice(0, 10));
    await request(t.http).get('/v1/ping/').set('Authorization', `Token ${key}`).expect(401);

    await run('user', 'create', 'reader@example.com', '--project', defaultProjectId, '--role', 'READER');
    const readerKey = /(m0-\S+)$/.exec(await run('key', 'create', '--email', 'reader@example.com'))?.[1];
    const readerPing = await request(t.http).get('/v1/ping/').set('Authorization', `Token ${readerKey}`).expect(200);
    expect(readerPing.body.project_id).toBe(defaultProjectId);
  });

  it('fails with a clear message for unknown users and duplicate e-mails', async () => {
    await expect(run('org', 'create', 'x', '--owner', 'nobody@example.com')).rejects.toThrow(/No user with e-mail/);
    await run('user', 'create', 'dup@example.com');
    await expect(run('user', 'create', 'DUP@example.com')).rejects.toThrow(/already exists/);
    await expect(run('key', 'revoke', 'm0-nothing')).rejects.toThrow(/No active key/);
  });
});
