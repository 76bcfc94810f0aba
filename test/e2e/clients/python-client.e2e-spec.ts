import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { queuesIdle } from '../../utils/queues';
import { createTestApp, Tenant, TestApp } from '../../utils/test-app';

const run = promisify(execFile);
const MIRROR = '/work/.mirror/mem0ai+mem0/repo';
/** The SDK's modules the MemoryClient needs: the client itself, its telemetry/config helpers and its errors. */
const SDK_PATHS = ['mem0/client', 'mem0/exceptions.py', 'mem0/memory/setup.py', 'mem0/memory/telemetry.py'];
const DEBIAN_PACKAGES = '/usr/lib/python3/dist-packages';
const PROBE = 'import httpx, requests\nfrom pydantic import ConfigDict';

interface Python {
  command: string;
  pythonPath: string[];
}

/**
 * An interpreter that has httpx, requests and pydantic 2 (the SDK's dependencies), trying Debian's
 * packages (python3-httpx, python3-requests, python3-pydantic) under each python3 found; else why not.
 */
function findPython(): Python | string {
  const tried: string[] = [];
  for (const command of ['python3', '/usr/bin/python3']) {
    for (const pythonPath of [[], [DEBIAN_PACKAGES]]) {
      try {
        execFileSync(command, ['-c', PROBE], {
          env: { PATH: process.env.PATH ?? '', PYTHONPATH: pythonPath.join(':') },
          stdio: 'pipe',
        });
        return { command, pythonPath };
      } catch (error) {
        const stderr = String((error as { stderr?: Buffer }).stderr ?? error)
          .trim()
          .split('\n')
          .at(-1);
        tried.push(`${command}${pythonPath.length ? ` + ${DEBIAN_PACKAGES}` : ''}: ${stderr}`);
      }
    }
  }
  return `no python3 with httpx, requests and pydantic 2 (${tried.join('; ')})`;
}

/** The official Python SDK's client, read from the mem0 repository mirror when this machine has one; else why not. */
function exportSdk(into: string): string | null {
  if (!existsSync(MIRROR)) return `the mem0 repository mirror (${MIRROR}) is not on this machine`;
  try {
    const archive = execFileSync('git', ['-C', MIRROR, 'archive', 'HEAD', ...SDK_PATHS], { stdio: 'pipe' });
    execFileSync('tar', ['-x', '-C', into], { input: archive });
  } catch (error) {
    return `the client could not be read from the mirror: ${String(error).split('\n')[0]}`;
  }
  // The package's own __init__ also loads the OSS Memory (vector stores, LLMs); only the client is wanted.
  writeFileSync(join(into, 'mem0', '__init__.py'), '__version__ = "client-suite"\n');
  writeFileSync(join(into, 'mem0', 'memory', '__init__.py'), '');
  // The SDK imports PostHog at load time; with MEM0_TELEMETRY off it never calls it, so an inert module will do.
  writeFileSync(join(into, 'posthog.py'), 'class Posthog:\n    def __init__(self, *args, **kwargs):\n        pass\n');
  return null;
}

/** Each MemoryClient method once, in order; prints every answer as one JSON object. */
const SCRIPT = `
import json, os, sys, time
from mem0.client.main import MemoryClient

client = MemoryClient(api_key=os.environ["MEM0_API_KEY"], host=os.environ["MEM0_HOST"])
out = {"org_id": client.org_id, "project_id": client.project_id, "user_email": client.user_email}
out["add_verbatim"] = client.add("Speaks Italian.", user_id="pia", infer=False)
out["add_queued"] = client.add("I love hiking in the Alps.", user_id="pia", metadata={"sourceApp": "py"})
for _ in range(100):
    listed = client.get_all(filters={"user_id": "pia"})
    if len(listed["results"]) == 2:
        break
    time.sleep(0.2)
out["get_all"] = listed
out["search"] = client.search("hiking", filters={"user_id": "pia"}, fields=["memory"])
hiking = out["search"]["results"][0]["id"]
out["get"] = client.get(hiking)
out["update"] = client.update(hiking, text="Loves hiking in the Dolomites")
out["history"] = client.history(hiking)
out["feedback"] = client.feedback(memory_id=hiking, feedback="positive", feedback_reason="accurate")
out["users"] = client.users()
out["update_project"] = client.update_project(custom_instructions="Keep facts short.")
out["get_project"] = client.get_project(fields=["custom_instructions"])
hook = client.create_webhook(url="http://127.0.0.1:9/hook", name="py", project_id=client.project_id, event_types=["memory_add"])
out["create_webhook"] = hook
out["update_webhook"] = client.update_webhook(webhook_id=hook["webhook_id"], name="py-renamed")
out["get_webhooks"] = client.get_webhooks(project_id=client.project_id)
out["delete_webhook"] = client.delete_webhook(webhook_id=hook["webhook_id"])
out["create_memory_export"] = client.create_memory_export(
    schema=json.dumps({"type": "object", "properties": {"hobby": {"type": ["string", "null"]}}}), user_id="pia"
)
for _ in range(100):
    export = client.get_memory_export(memory_export_id=out["create_memory_export"]["id"])
    if "hobby" in export:
        break
    time.sleep(0.2)
out["get_memory_export"] = export
italian = next(row["id"] for row in out["get_all"]["results"] if row["memory"] == "Speaks Italian.")
out["batch_update"] = client.batch_update([{"memory_id": italian, "text": "Speaks Italian fluently."}])
out["get_after_batch"] = client.get(italian)
out["delete"] = client.delete(italian)
out["get_summary"] = client.get_summary(filters={"user_id": "pia"})
out["delete_users"] = client.delete_users(user_id="pia")
client.add("Owns a kayak.", user_id="quinn", infer=False)
out["delete_all"] = client.delete_all(user_id="quinn")
client.add("Owns a canoe.", user_id="rosa", infer=False)
out["reset"] = client.reset()
json.dump(out, sys.stdout)
`;

/** The official Python SDK's MemoryClient (from the mem0 repository), where its dependencies can be had. */
describe('the Python MemoryClient against this server', () => {
  const python = findPython();
  const dir = mkdtempSync(join(tmpdir(), 'mem0-py-'));
  const missing = typeof python === 'string' ? python : exportSdk(dir);
  if (missing) {
    console.warn(`Python client suite skipped: ${missing}`);
  }
  const maybe = missing ? it.skip : it;

  let t: TestApp;
  let a: Tenant;
  beforeAll(async () => {
    if (missing) return;
    // The webhook the script registers (and deletes before any change it could be told of) is on loopback.
    t = await createTestApp({ worker: true, env: { WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true' } });
    a = await t.newTenant('python');
    await t.app.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  maybe('every method answers as the SDK expects, each change visible in the database', async () => {
    const { command, pythonPath } = python as Python;
    mkdirSync(join(dir, 'home'), { recursive: true });
    writeFileSync(join(dir, 'suite.py'), SCRIPT);
    const { stdout } = await run(command, [join(dir, 'suite.py')], {
      timeout: 60_000,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: join(dir, 'home'),
        PYTHONPATH: [dir, ...pythonPath].join(':'),
        MEM0_TELEMETRY: 'False',
        MEM0_API_KEY: a.key,
        MEM0_HOST: await t.app.getUrl(),
      },
    });
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({ org_id: a.orgId, project_id: a.projectId, user_email: a.email });
    expect(out.add_verbatim).toMatchObject({
      status: 'SUCCEEDED',
      results: [{ id: expect.any(String), event: 'ADD', memory: 'Speaks Italian.' }],
    });
    expect(out.add_queued).toMatchObject({ status: 'PENDING', event_id: expect.any(String) });
    expect(out.get_all.results.map((row: { memory: string }) => row.memory).sort()).toEqual([
      'Loves hiking in the Alps',
      'Speaks Italian.',
    ]);
    expect(out.search.results[0]).toEqual({ id: expect.any(String), memory: 'Loves hiking in the Alps' });
    expect(out.get).toMatchObject({ user_id: 'pia', metadata: { sourceApp: 'py' } });
    expect(out.history.map((entry: { event: string }) => entry.event)).toEqual(['ADD', 'UPDATE']);
    expect(out.users.results.map((entity: { name: string }) => entity.name)).toContain('pia');
    expect(out.get_project).toMatchObject({ custom_instructions: 'Keep facts short.' });
    expect(out.get_webhooks).toEqual([
      expect.objectContaining({ webhook_id: out.create_webhook.webhook_id, name: 'py-renamed' }),
    ]);
    expect(out.get_memory_export).toEqual({ hobby: 'hiking' });
    expect(out.get_after_batch).toMatchObject({ memory: 'Speaks Italian fluently.' });

    // Stored, then deleted with its memory by delete_users.
    expect(out.feedback).toMatchObject({ id: expect.any(String), feedback: 'POSITIVE', feedback_reason: 'accurate' });
    await queuesIdle(t);
    expect(await t.prisma.webhook.count({ where: { projectId: a.projectId } })).toBe(0);
    expect(out.get_summary).toEqual([
      expect.objectContaining({ filters: { user_id: 'pia' }, summary: 'Hobbies: Loves hiking in the Dolomites.' }),
    ]);
    expect(out.reset).toEqual({ message: 'Client reset successful. All users and memories deleted.' });
    // delete_users, delete_all and reset: nothing is left.
    expect(await t.prisma.memory.count({ where: { projectId: a.projectId } })).toBe(0);
  });
});
