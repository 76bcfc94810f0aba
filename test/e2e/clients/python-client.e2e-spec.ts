import { queuesIdle } from '../../utils/queues';
import { preparePythonSdk } from '../../utils/python-sdk';
import { createTestApp, Tenant, TestApp } from '../../utils/test-app';

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
pair = [client.add(text, user_id="pia", infer=False)["results"][0]["id"] for text in ("Owns a bicycle.", "Drinks green tea.")]
out["batch_deleted_ids"] = pair
out["batch_delete"] = client.batch_delete([{"memory_id": memory_id} for memory_id in pair])
out["get_all_after_batch_delete"] = client.get_all(filters={"user_id": "pia"})
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
  const sdk = preparePythonSdk('Python client suite');
  const maybe = sdk.missing ? it.skip : it;

  let t: TestApp;
  let a: Tenant;
  beforeAll(async () => {
    if (sdk.missing) return;
    // The webhook the script registers (and deletes before any change it could be told of) is on loopback.
    t = await createTestApp({ worker: true, env: { WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true' } });
    a = await t.newTenant('python');
    await t.app.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await t?.close();
    sdk.remove();
  });

  maybe('every method answers as the SDK expects, each change visible in the database', async () => {
    const out = await sdk.run(SCRIPT, { MEM0_API_KEY: a.key, MEM0_HOST: await t.app.getUrl() });
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
    expect(out.batch_delete).toEqual({ message: 'Successfully deleted 2 memories' });
    expect(out.get_all_after_batch_delete.results.map((row: { memory: string }) => row.memory).sort()).toEqual([
      'Loves hiking in the Dolomites',
      'Speaks Italian fluently.',
    ]);
    const batchDeleted = await t.prisma.memoryHistory.findMany({
      where: { projectId: a.projectId, memoryId: { in: out.batch_deleted_ids }, event: 'DELETE' },
    });
    expect(batchDeleted.map((entry) => entry.oldMemory).sort()).toEqual(['Drinks green tea.', 'Owns a bicycle.']);

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
