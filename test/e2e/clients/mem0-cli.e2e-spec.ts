import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { queuesIdle } from '../../utils/queues';
import { createTestApp, Tenant, TestApp } from '../../utils/test-app';

const CLI = require.resolve('@mem0/cli/dist/index.js');
// Most commands sit out the CLI's 5 s ping timer before exiting; a test runs several in a row.
jest.setTimeout(120_000);
const run = promisify(execFile);

interface Ran {
  code: number;
  stdout: string;
  /** stdout and stderr: what a person sees. */
  out: string;
}

/**
 * The published `mem0` CLI (@mem0/cli 0.2.13), every command run as a child process against the server
 * on a loopback port, with its own HOME (so its own ~/.mem0/config.json) and the base URL in MEM0_BASE_URL.
 */
describe('the mem0 CLI against this server', () => {
  let t: TestApp;
  let a: Tenant;
  let home: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp({ worker: true, env: { AGENT_SIGNUP_ENABLED: 'true' } });
    a = await t.newTenant('cli');
    await t.app.listen(0, '127.0.0.1');
    home = mkdtempSync(join(tmpdir(), 'mem0-cli-'));
    // Only what the CLI needs: an agent runtime's variables would switch it to Agent Mode by themselves.
    env = { PATH: process.env.PATH ?? '', HOME: home, MEM0_BASE_URL: await t.app.getUrl(), MEM0_TELEMETRY: 'false' };
  });
  afterAll(async () => {
    await t.close();
    rmSync(home, { recursive: true, force: true });
  });

  /** Runs `mem0 ...args` to completion (asynchronously: the server answers from this process). */
  async function mem0(...args: string[]): Promise<Ran> {
    try {
      const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env, timeout: 30_000 });
      return { code: 0, stdout, out: stdout + stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, out: failed.stdout + failed.stderr };
    }
  }
  const parsed = (ran: Ran) => {
    expect(ran.code).toBe(0);
    return JSON.parse(ran.stdout.slice(ran.stdout.search(/[[{]/))) as any;
  };
  /** The agent envelope (`mem0 --json <command>`): `{status, command, data}`, data trimmed to the documented keys. */
  const json = async (...args: string[]) => parsed(await mem0('--json', ...args)) as { status: string; data: any };
  /** What the server answered, as the CLI prints it with `-o json`. */
  const raw = async (...args: string[]) => parsed(await mem0(...args, '-o', 'json'));
  const config = () => JSON.parse(readFileSync(join(home, '.mem0', 'config.json'), 'utf8'));
  const memories = (userId: string) =>
    t.prisma.memory.findMany({ where: { projectId: a.projectId, userId }, orderBy: { memory: 'asc' } });

  it('init --agent signs up, whoami shows the default user id, identify names the agent', async () => {
    const init = await mem0('init', '--agent', '--agent-caller', 'claude-code');
    expect(init.code).toBe(0);
    const saved = config();
    expect(init.out).toContain(`Agent Mode active. Default user_id: ${saved.platform.default_user_id}`);
    expect(init.out).toContain('No person owns this Agent Mode account yet');
    expect(saved.platform).toMatchObject({ agent_mode: true, created_via: 'agent_mode', agent_caller: 'claude-code' });
    expect(saved.defaults.user_id).toBe(saved.platform.default_user_id);

    const whoami = await mem0('whoami');
    expect(whoami.out).toContain(saved.platform.default_user_id);
    const identify = await mem0('identify', 'cursor');
    expect(identify).toMatchObject({ code: 0, out: expect.stringContaining('Identified as cursor.') });
    const account = await t.prisma.agentAccount.findFirstOrThrow({
      where: { user: { email: `${saved.platform.default_user_id}@agent-mode.invalid` } },
    });
    expect(account.agentCaller).toBe('cursor');
    // The agent's key works on the memory routes.
    expect((await json('add', 'Prefers TypeScript.', '--no-infer')).data).toEqual([
      { event: 'ADD', id: expect.any(String), memory: 'Prefers TypeScript.' },
    ]);
  });

  it('init --api-key saves the key and default user; status connects', async () => {
    const init = await mem0('init', '--api-key', a.key, '-u', 'alice', '--force');
    expect(init.code).toBe(0);
    expect(config()).toMatchObject({ platform: { api_key: a.key, agent_mode: false }, defaults: { user_id: 'alice' } });
    const status = await mem0('status');
    expect(status).toMatchObject({ code: 0, out: expect.stringContaining('Connected') });
  });

  let hikingId: string;
  let addEventId: string;
  it('add, search (with --fields), list and get', async () => {
    const queued = await json('add', 'I love hiking in the Alps.');
    expect(queued.data).toEqual([{ status: 'PENDING', event_id: expect.any(String) }]);
    addEventId = queued.data[0].event_id;
    expect((await json('add', 'Speaks Italian.', '--no-infer')).data).toEqual([
      { event: 'ADD', id: expect.any(String), memory: 'Speaks Italian.' },
    ]);
    await queuesIdle(t);
    expect((await memories('alice')).map((row) => row.memory)).toEqual(['Loves hiking in the Alps', 'Speaks Italian.']);

    // Independent commands run side by side, so their ping timers overlap.
    const [found, narrow, listed] = await Promise.all([
      json('search', 'hiking'),
      raw('search', 'hiking', '--fields', 'memory,categories'),
      json('list'),
    ]);
    expect(found.data[0]).toMatchObject({ memory: 'Loves hiking in the Alps', id: expect.any(String) });
    hikingId = found.data[0].id;
    expect(narrow[0]).toEqual({ id: hikingId, memory: 'Loves hiking in the Alps', categories: ['hobbies'] });
    for (const hit of narrow) expect(Object.keys(hit).sort()).toEqual(['categories', 'id', 'memory']);

    expect(listed.data.map((row: { memory: string }) => row.memory).sort()).toEqual([
      'Loves hiking in the Alps',
      'Speaks Italian.',
    ]);
    expect(await raw('get', hikingId)).toMatchObject({ id: hikingId, user_id: 'alice', categories: ['hobbies'] });
  });

  it('update changes the text; event list and event status show the queued add', async () => {
    expect((await mem0('update', hikingId, 'Loves hiking in the Dolomites')).code).toBe(0);
    expect((await t.prisma.memory.findUniqueOrThrow({ where: { id: hikingId } })).memory).toBe(
      'Loves hiking in the Dolomites',
    );
    const [events, status] = await Promise.all([json('event', 'list'), json('event', 'status', addEventId)]);
    expect(events.data).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: addEventId, event_type: 'ADD', status: 'SUCCEEDED' })]),
    );
    expect(status.data).toMatchObject({ id: addEventId, status: 'SUCCEEDED' });
    expect(status.data.results).toEqual([
      expect.objectContaining({ event: 'ADD', user_id: 'alice', memory: 'Loves hiking in the Alps' }),
    ]);
  });

  it('entity list shows the users; import adds one memory per item', async () => {
    const users = await json('entity', 'list', 'users');
    expect(users.data.map((entity: { name: string }) => entity.name)).toContain('alice');
    const file = join(home, 'export.json');
    writeFileSync(file, JSON.stringify([{ memory: 'Plays the cello' }, { memory: 'Lives in Porto' }]));
    expect((await json('import', file, '-u', 'bob')).data).toEqual({ added: 2, failed: 0 });
    await queuesIdle(t);
    expect((await memories('bob')).map((row) => row.memory)).toEqual(['Lives in Porto', 'Plays the cello']);
  });

  it('entity delete: --dry-run changes nothing; with --force each given entity goes with its memories', async () => {
    await Promise.all([
      json('add', 'Collects vinyl records.', '--no-infer', '-u', 'erin'),
      json('add', 'Plans trips by train.', '--no-infer', '-u', 'frank', '--agent-id', 'planner'),
    ]);
    const entities = () =>
      t.prisma.entity.findMany({
        where: { projectId: a.projectId, name: { in: ['erin', 'frank', 'planner'] } },
        orderBy: { name: 'asc' },
      });
    expect((await entities()).map((row) => row.name)).toEqual(['erin', 'frank', 'planner']);

    const dry = await mem0('entity', 'delete', '--user-id', 'erin', '--agent-id', 'planner', '--dry-run');
    expect(dry).toMatchObject({ code: 0, out: expect.stringContaining('Would delete entity user=erin, agent=planner') });
    expect(await entities()).toHaveLength(3);

    const deleted = await raw('entity', 'delete', '--user-id', 'erin', '--agent-id', 'planner', '--force');
    const queued = { message: 'Delete in progress. This may take some time.', event_id: expect.any(String) };
    expect(deleted).toEqual({ user: queued, agent: queued });
    await queuesIdle(t);
    expect((await entities()).map((row) => row.name)).toEqual(['frank']);
    expect(await memories('erin')).toEqual([]);
    // The agent's memory was also frank's: it went with the agent, and frank himself stays.
    expect(await memories('frank')).toEqual([]);
    expect((await json('entity', 'list', 'agents')).data).toEqual([]);
  });

  it('delete one memory, --all for a user, --entity, and --all --project', async () => {
    expect((await mem0('delete', hikingId, '--force')).code).toBe(0);
    expect(await t.prisma.memory.findUnique({ where: { id: hikingId } })).toBeNull();
    expect((await mem0('delete', '--all', '-u', 'bob', '--force')).code).toBe(0);
    await queuesIdle(t);
    expect(await memories('bob')).toEqual([]);
    expect((await mem0('delete', '--entity', '-u', 'alice', '--force')).code).toBe(0);
    await queuesIdle(t);
    expect(await memories('alice')).toEqual([]);
    await json('add', 'Owns a kayak.', '--no-infer', '-u', 'carol');
    expect((await mem0('delete', '--all', '--project', '--force')).code).toBe(0);
    await queuesIdle(t);
    expect(await t.prisma.memory.count({ where: { projectId: a.projectId } })).toBe(0);
  });

  it('config show, get and set read and write the config file; version and help answer', async () => {
    expect((await mem0('config', 'show')).out).toContain('alice');
    expect((await mem0('config', 'get', 'user_id')).out).toContain('alice');
    expect((await mem0('config', 'set', 'user_id', 'dana')).code).toBe(0);
    expect(config().defaults.user_id).toBe('dana');
    expect((await mem0('version')).out).toContain('0.2.13');
    const help = await mem0('help', '--json');
    expect(JSON.parse(help.out.slice(help.out.indexOf('{')))).toBeTruthy();
  });

  it('says plainly that e-mail login and AGENTRUSH are not offered here', async () => {
    const email = await mem0('init', '--email', 'someone@example.com', '--force');
    expect(email.code).toBe(1);
    expect(email.out).toContain('does not offer e-mail code login');
    const rush = await mem0('agent-rush', 'search', 'best memory tips');
    expect(rush.code).toBe(1);
    expect(rush.out).toContain('agentrush_not_provisioned');
    const before = await t.prisma.memory.count({ where: { projectId: a.projectId } });
    const submitted = await mem0('agent-rush', 'add', 'Agents that remember their users make better coding partners.');
    expect(submitted.code).toBe(1);
    expect(submitted.out).toContain('AGENTRUSH error: agentrush_not_provisioned');
    expect(submitted.out).toContain('AGENTRUSH is not provisioned in this environment.');
    expect(submitted.out).not.toContain('Memory submitted');
    expect(await t.prisma.memory.count({ where: { projectId: a.projectId } })).toBe(before);
  });
});
