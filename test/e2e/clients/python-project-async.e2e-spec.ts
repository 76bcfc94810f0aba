import { Role } from '@app/core';
import { preparePythonSdk } from '../../utils/python-sdk';
import { queuesIdle } from '../../utils/queues';
import { createTestApp, Tenant, TestApp } from '../../utils/test-app';

/** Each method of the SDK's Project (client.project) once; a second Project object reaches the project it creates. */
const PROJECT_SCRIPT = `
import json, os, sys
from mem0.client.main import MemoryClient
from mem0.client.project import Project

client = MemoryClient(api_key=os.environ["MEM0_API_KEY"], host=os.environ["MEM0_HOST"])
project, email = client.project, os.environ["MEMBER_EMAIL"]
out = {"get": project.get(fields=["name", "custom_instructions"])}
out["update"] = project.update(
    custom_instructions="Only facts about travel.",
    custom_categories=[{"travel": "Trips, places and bookings"}],
    multilingual=True,
    decay=True,
    agent_custom_instructions="Note the tools the agent used.",
)
out["get_after_update"] = project.get()
out["add_member"] = project.add_member(email=email)
out["update_member"] = project.update_member(email=email, role="OWNER")
out["get_members"] = project.get_members()
out["remove_member"] = project.remove_member(email=email)
out["get_members_after_remove"] = project.get_members()
out["create"] = project.create(name="py-scratch", description="Made by the Python client")
scratch = Project(client=client.client, org_id=client.org_id, project_id=out["create"]["project_id"])
out["scratch_get"] = scratch.get()
out["delete"] = scratch.delete()
json.dump(out, sys.stdout)
`;

/** The AsyncMemoryClient's memory methods, awaited one by one under asyncio.run. */
const ASYNC_SCRIPT = `
import asyncio, json, os, sys
from mem0.client.main import AsyncMemoryClient

async def main():
    out = {}
    async with AsyncMemoryClient(api_key=os.environ["MEM0_API_KEY"], host=os.environ["MEM0_HOST"]) as client:
        out["add_verbatim"] = await client.add("Speaks Portuguese.", user_id="tao", infer=False)
        out["add_queued"] = await client.add("I love sailing on weekends.", user_id="tao")
        for _ in range(100):
            listed = await client.get_all(filters={"user_id": "tao"})
            if len(listed["results"]) == 2:
                break
            await asyncio.sleep(0.2)
        out["get_all"] = listed
        out["search"] = await client.search("sailing", filters={"user_id": "tao"})
        sailing = out["search"]["results"][0]["id"]
        out["update"] = await client.update(sailing, text="Loves sailing on Lake Garda")
        out["get"] = await client.get(sailing)
        out["history"] = await client.history(sailing)
        out["users"] = await client.users()
        out["project_get"] = await client.project.get()
        out["delete"] = await client.delete(out["add_verbatim"]["results"][0]["id"])
        out["get_all_after_delete"] = await client.get_all(filters={"user_id": "tao"})
    return out

json.dump(asyncio.run(main()), sys.stdout)
`;

describe('the Python SDK: project methods and the AsyncMemoryClient against this server', () => {
  const sdk = preparePythonSdk('Python project/async client suite');
  const maybe = sdk.missing ? it.skip : it;

  let t: TestApp;
  let a: Tenant;
  let env: Record<string, string>;
  beforeAll(async () => {
    if (sdk.missing) return;
    t = await createTestApp({ worker: true });
    a = await t.newTenant('python-project');
    await t.app.listen(0, '127.0.0.1');
    env = { MEM0_API_KEY: a.key, MEM0_HOST: await t.app.getUrl() };
  });
  afterAll(async () => {
    await t?.close();
    sdk.remove();
  });

  maybe('client.project: get, update, members, create and delete, each visible in the database', async () => {
    // Someone with an account elsewhere: adding them to the project also makes them a reader of its org.
    const other = await t.newTenant('python-member');
    const out = await sdk.run(PROJECT_SCRIPT, { ...env, MEMBER_EMAIL: other.email });

    expect(out.get).toMatchObject({ project_id: a.projectId, org_id: a.orgId, is_default: true, user_role: 'OWNER' });
    expect(out.update).toEqual({ message: 'Project updated successfully' });
    const settings = {
      custom_instructions: 'Only facts about travel.',
      custom_categories: [{ travel: 'Trips, places and bookings' }],
      multilingual: true,
      decay: true,
      agent_custom_instructions: 'Note the tools the agent used.',
    };
    expect(out.get_after_update).toMatchObject(settings);
    expect(await t.prisma.project.findUniqueOrThrow({ where: { id: a.projectId } })).toMatchObject({
      customInstructions: settings.custom_instructions,
      customCategories: settings.custom_categories,
      multilingual: true,
      decay: true,
      agentCustomInstructions: settings.agent_custom_instructions,
    });

    expect(out.add_member).toEqual({ message: 'User added to the project successfully.' });
    expect(out.update_member).toEqual({ message: 'User role updated successfully.' });
    expect(out.get_members.members).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ email: a.email, role: 'OWNER' }),
        expect.objectContaining({ email: other.email, role: 'OWNER' }),
      ]),
    );
    expect(out.remove_member).toEqual({ message: 'Member removed from the project' });
    expect(out.get_members_after_remove.members).toEqual([expect.objectContaining({ email: a.email })]);
    expect(await t.prisma.projectMember.findMany({ where: { projectId: a.projectId, userId: other.userId } })).toEqual(
      [],
    );
    expect(await t.prisma.orgMember.findFirst({ where: { orgId: a.orgId, userId: other.userId } })).toMatchObject({
      role: Role.READER,
    });

    const created = out.create.project_id;
    expect(out.create).toEqual({ message: 'Project created successfully.', project_id: expect.any(String) });
    expect(out.scratch_get).toMatchObject({
      project_id: created,
      name: 'py-scratch',
      description: 'Made by the Python client',
      is_default: false,
    });
    expect(out.delete).toEqual({ message: 'Project and related data deleted successfully.' });
    expect(await t.prisma.project.findUnique({ where: { id: created } })).toBeNull();
  });

  maybe('AsyncMemoryClient: add, get_all, search, update, get, history, users, delete', async () => {
    const out = await sdk.run(ASYNC_SCRIPT, env);

    expect(out.add_verbatim).toMatchObject({
      status: 'SUCCEEDED',
      results: [{ id: expect.any(String), event: 'ADD', memory: 'Speaks Portuguese.' }],
    });
    expect(out.add_queued).toMatchObject({ status: 'PENDING', event_id: expect.any(String) });
    expect(out.get_all.results.map((row: { memory: string }) => row.memory).sort()).toEqual([
      'Loves sailing on weekends',
      'Speaks Portuguese.',
    ]);
    expect(out.search.results[0]).toMatchObject({ memory: 'Loves sailing on weekends', user_id: 'tao' });
    expect(out.get).toMatchObject({ id: out.search.results[0].id, memory: 'Loves sailing on Lake Garda' });
    expect(out.history.map((entry: { event: string }) => entry.event)).toEqual(['ADD', 'UPDATE']);
    expect(out.users.results.map((entity: { name: string }) => entity.name)).toContain('tao');
    expect(out.project_get).toMatchObject({ project_id: a.projectId });
    expect(out.delete).toEqual({ message: 'Memory deleted successfully!' });
    expect(out.get_all_after_delete.results.map((row: { memory: string }) => row.memory)).toEqual([
      'Loves sailing on Lake Garda',
    ]);

    await queuesIdle(t);
    const rows = await t.prisma.memory.findMany({ where: { projectId: a.projectId, userId: 'tao' } });
    expect(rows.map((row) => row.memory)).toEqual(['Loves sailing on Lake Garda']);
  });
});
