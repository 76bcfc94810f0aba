import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { FakeOpenAi, startFakeOpenAi } from '../utils/fake-openai';
import { visionImages, withVision } from '../utils/fake-vision';
import { waitForEvent } from '../utils/events';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';

const MAX_BYTES = 4096;

/** A one-page PDF whose page shows `text` (Helvetica), with a correct cross-reference table. */
function minimalPdf(text: string): Buffer {
  const stream = `BT /F1 12 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, index) => {
    offsets.push(out.length);
    out += `${index + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  const entries = offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${entries}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

const DOCUMENTS: Record<string, Buffer> = {
  '/notes.txt': Buffer.from('I play the cello every Sunday.'),
  '/trip.pdf': minimalPdf('I love sailing on Lake Geneva.'),
  '/big.txt': Buffer.from('I like tea. '.repeat(1000)),
};

async function serveDocuments(): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    const body = DOCUMENTS[req.url ?? ''];
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/octet-stream' });
    res.end(body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function add(t: TestApp, tenant: Tenant, body: Record<string, unknown>) {
  return request(t.http).post('/v3/memories/add/').set('Authorization', `Token ${tenant.key}`).send(body);
}

async function memoriesOf(t: TestApp, tenant: Tenant, userId: string) {
  return t.prisma.memory.findMany({ where: { projectId: tenant.projectId, userId }, orderBy: { createdAt: 'asc' } });
}

/** Adds and waits for the event; answers the event and the user's memory texts. */
async function addAndWait(t: TestApp, tenant: Tenant, userId: string, body: Record<string, unknown>) {
  const queued = await add(t, tenant, { user_id: userId, ...body }).expect(200);
  const event = await waitForEvent(t, tenant.key, queued.body.event_id);
  return { event, texts: (await memoriesOf(t, tenant, userId)).map((row) => row.memory) };
}

function refusal(reason: string | RegExp) {
  return { error: '400 Bad Request', details: { message: expect.any(String), reason } };
}

describe('multimodal adds and add parameters (offline)', () => {
  let t: TestApp;
  let tenant: Tenant;
  let docs: { server: Server; base: string };

  beforeAll(async () => {
    docs = await serveDocuments();
    t = await createTestApp({
      worker: true,
      env: { DOCUMENTS_ALLOW_PRIVATE_URLS: 'true', DOCUMENT_MAX_BYTES: String(MAX_BYTES) },
    });
    tenant = await t.newTenant('mm');
  });
  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => docs.server.close(resolve));
  });

  it('reads an OpenAI-style content array, its text parts joined', async () => {
    const { event, texts } = await addAndWait(t, tenant, 'array', {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'I love hiking in the Alps.' },
            { type: 'text', text: 'My sister lives in Oslo.' },
          ],
        },
      ],
    });
    expect(event.status).toBe('SUCCEEDED');
    expect(texts).toEqual(
      expect.arrayContaining([expect.stringMatching(/hiking in the Alps/), expect.stringMatching(/Oslo/)]),
    );
  });

  it('answers 400 naming the part for an image when no vision model is configured', async () => {
    const image = { type: 'image_url', image_url: { url: 'https://example.com/pizza.jpg' } };
    const list = await add(t, tenant, {
      user_id: 'img',
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'user', content: [image] },
      ],
    }).expect(400);
    expect(list.body).toEqual(
      refusal('messages[1].content[0]: image_url needs a vision model (set OPENAI_VISION_MODEL)'),
    );
    const single = await add(t, tenant, { user_id: 'img', messages: [{ role: 'user', content: image }] }).expect(400);
    expect(single.body.details.reason).toBe(
      'messages[0].content: image_url needs a vision model (set OPENAI_VISION_MODEL)',
    );
    expect(
      await t.prisma.event.count({
        where: { projectId: tenant.projectId, payload: { path: ['scope', 'userId'], equals: 'img' } },
      }),
    ).toBe(0);
  });

  it('answers 400 naming the part for malformed or unknown parts, and for parts with infer=false', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [
        [{ type: 'audio_url', audio_url: { url: 'https://x/a.mp3' } }],
        /^messages\[0\]\.content\[0\]: unsupported content type "audio_url"$/,
      ],
      [[{ type: 'text' }], /^messages\[0\]\.content\[0\]: a text part needs "text"/],
      [[], /^messages\[0\]\.content: an empty list/],
      [{ type: 'pdf_url', pdf_url: { url: 'not base64 !' } }, /^messages\[0\]\.content: the document is neither/],
      [{ type: 'pdf_url', pdf_url: { url: Buffer.from('plain text').toString('base64') } }, /is not a PDF file/],
    ];
    for (const [content, reason] of cases) {
      const response = await add(t, tenant, { user_id: 'bad', messages: [{ role: 'user', content }] }).expect(400);
      expect(response.body).toEqual(refusal(expect.stringMatching(reason)));
    }
    const verbatim = await add(t, tenant, {
      user_id: 'bad',
      infer: false,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'I like tea' }] }],
    }).expect(400);
    expect(verbatim.body.details.reason).toBe('Structured (multimodal) content requires infer=true.');
  });

  it('turns base64 text, Markdown and PDF documents into memories', async () => {
    const { event, texts } = await addAndWait(t, tenant, 'b64', {
      messages: [
        {
          role: 'user',
          content: { type: 'txt_url', txt_url: { url: Buffer.from('I am allergic to peanuts.').toString('base64') } },
        },
        {
          role: 'user',
          content: {
            type: 'mdx_url',
            mdx_url: {
              url: `data:text/markdown;base64,${Buffer.from('# Me\n\nI work as a nurse in Leeds.').toString('base64')}`,
            },
          },
        },
        {
          role: 'user',
          content: {
            type: 'pdf_url',
            pdf_url: { url: minimalPdf('I love sailing on Lake Geneva.').toString('base64') },
          },
        },
      ],
    });
    expect(event.status).toBe('SUCCEEDED');
    expect(texts).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/allergic to peanuts/i),
        expect.stringMatching(/nurse/),
        expect.stringMatching(/sailing on Lake Geneva/),
      ]),
    );
  });

  it('downloads documents by URL on the worker (text and PDF)', async () => {
    const { event, texts } = await addAndWait(t, tenant, 'url', {
      messages: [
        { role: 'user', content: { type: 'txt_url', txt_url: { url: `${docs.base}/notes.txt` } } },
        { role: 'user', content: [{ type: 'pdf_url', pdf_url: { url: `${docs.base}/trip.pdf` } }] },
      ],
    });
    expect(event.status).toBe('SUCCEEDED');
    expect(texts).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/cello every Sunday/),
        expect.stringMatching(/sailing on Lake Geneva/),
      ]),
    );
    expect((event.payload as { media: unknown[] }).media).toEqual([
      { message: 0, path: 'messages[0].content', type: 'txt_url', url: `${docs.base}/notes.txt` },
      { message: 1, path: 'messages[1].content[0]', type: 'pdf_url', url: `${docs.base}/trip.pdf` },
    ]);
  });

  it('refuses an oversize document: 413 on the request, FAILED naming the part when downloaded', async () => {
    const big = Buffer.alloc(MAX_BYTES + 100, 'a').toString('base64');
    const response = await add(t, tenant, {
      user_id: 'big',
      messages: [{ role: 'user', content: { type: 'txt_url', txt_url: { url: big } } }],
    }).expect(413);
    expect(response.body.details.reason).toBe(
      `messages[0].content: documents are at most ${MAX_BYTES} bytes (DOCUMENT_MAX_BYTES)`,
    );

    for (const [path, reason] of [
      ['/big.txt', `messages[0].content: documents are at most ${MAX_BYTES} bytes (DOCUMENT_MAX_BYTES)`],
      ['/gone.txt', 'messages[0].content: the document URL answered HTTP 404'],
    ]) {
      const { event, texts } = await addAndWait(t, tenant, 'big', {
        messages: [{ role: 'user', content: { type: 'txt_url', txt_url: { url: `${docs.base}${path}` } } }],
      });
      expect(event).toMatchObject({ status: 'FAILED', error: reason });
      expect(texts).toEqual([]);
    }
  });

  it('answers an inline legacy add whose document cannot be read with a 400 naming the part', async () => {
    const response = await request(t.http)
      .post('/v1/memories/')
      .set('Authorization', `Token ${tenant.key}`)
      .send({
        user_id: 'inline',
        async_mode: false,
        messages: [{ role: 'user', content: { type: 'txt_url', txt_url: { url: `${docs.base}/gone.txt` } } }],
      })
      .expect(400);
    expect(response.body).toEqual(refusal('messages[0].content: the document URL answered HTTP 404'));
  });

  it('keeps a French fact in French in a multilingual project', async () => {
    const owner = await t.newTenant('mm-fr');
    await request(t.http)
      .patch(`/api/v1/orgs/organizations/${owner.orgId}/projects/${owner.projectId}/`)
      .set('Authorization', `Token ${owner.key}`)
      .send({ multilingual: true })
      .expect(200);
    const { event, texts } = await addAndWait(t, owner, 'fr', {
      messages: [{ role: 'user', content: "J'habite à Lyon depuis 2019." }],
    });
    expect(event.status).toBe('SUCCEEDED');
    expect(texts).toEqual(["J'habite à Lyon depuis 2019"]);
  });

  it('fills structured_data_schema from the add, stores it on each memory and keeps it on the event', async () => {
    const schema = {
      type: 'object',
      properties: { favourite_city: { type: ['string', 'null'], description: 'Favourite city' } },
    };
    const { event } = await addAndWait(t, tenant, 'schema', {
      messages: [{ role: 'user', content: 'My favourite city is Lisbon.' }],
      metadata: { source: 'test' },
      structured_data_schema: schema,
    });
    expect(event.status).toBe('SUCCEEDED');
    expect((event.payload as Record<string, unknown>).structured_data_schema).toEqual(schema);
    const rows = await memoriesOf(t, tenant, 'schema');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.metadata).toEqual({ source: 'test', structured_data: { favourite_city: 'Lisbon' } });
    }
    const bad = await add(t, tenant, {
      user_id: 'schema',
      messages: [{ role: 'user', content: 'x y' }],
      structured_data_schema: { type: 'object', properties: { a: { type: 'nope' } } },
    }).expect(400);
    expect(bad.body.details.reason).toMatch(/^structured_data_schema: /);
  });

  it('back-dates by observation_datetime or observation_date in the given timezone', async () => {
    await addAndWait(t, tenant, 'observed', {
      messages: [{ role: 'user', content: 'I adopted a cat named Miso.' }],
      observation_datetime: '2024-07-01T09:30:00',
      timezone: 'Europe/Paris',
    });
    const [row] = await memoriesOf(t, tenant, 'observed');
    expect(row.createdAt.toISOString()).toBe('2024-07-01T07:30:00.000Z');
  });

  it('refuses the add parameters it cannot honour with a 400 saying so', async () => {
    const base = { user_id: 'refused', messages: [{ role: 'user', content: 'I like tea' }] };
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ enable_graph: false }, /^enable_graph: .*cannot be turned off/],
      [{ temporal_reasoning: false }, /^temporal_reasoning: .*cannot be turned off/],
      [{ prompt_profile_id: 'pp-1' }, /^prompt_profile_id: prompt profiles are not supported/],
      [{ timezone: 'Mars/Olympus' }, /^timezone: "Mars\/Olympus" is not an IANA time zone/],
      [{ observation_datetime: 'yesterday' }, /^observation_datetime: "yesterday" is not an ISO 8601/],
    ];
    for (const [extra, reason] of cases) {
      const response = await add(t, tenant, { ...base, ...extra }).expect(400);
      expect(response.body).toEqual(refusal(expect.stringMatching(reason)));
    }
    await add(t, tenant, { ...base, output_format: 'v2.0' }).expect(400);
    const project = `/api/v1/orgs/organizations/${tenant.orgId}/projects/${tenant.projectId}/`;
    const patch = (body: Record<string, unknown>) =>
      request(t.http).patch(project).set('Authorization', `Token ${tenant.key}`).send(body);
    for (const [body, message] of [
      [{ memory_depth: 'deep' }, 'memory_depth is not supported by this server: extraction has a single depth'],
      [{ usecase_setting: 'support' }, expect.stringMatching(/^usecase_setting is not supported by this server/)],
      [{ enable_graph: false }, expect.stringMatching(/^enable_graph: .*cannot be turned off/)],
      [{ version: 'v2' }, 'version: this server runs v3 only'],
    ] as const) {
      expect((await patch(body).expect(400)).body).toEqual({ message });
    }
    await patch({ enable_graph: true, version: 'v3', memory_depth: null }).expect(200);
    for (const accepted of [{ enable_graph: true }, { temporal_reasoning: true }, { prompt_profile_id: null }]) {
      await add(t, tenant, { ...base, ...accepted }).expect(200);
    }
  });
});

describe('search parameters', () => {
  let t: TestApp;
  let tenant: Tenant;

  beforeAll(async () => {
    t = await createTestApp({ worker: true });
    tenant = await t.newTenant('mm-search');
    const memories = ['Drinks green tea every morning', 'Loves a hot beverage after dinner', 'Walks the dog at noon'];
    await add(t, tenant, {
      user_id: 'kw',
      infer: false,
      messages: memories.map((content) => ({ role: 'user', content })),
    }).expect(200);
  });
  afterAll(() => t.close());

  const search = (body: Record<string, unknown>) =>
    request(t.http)
      .post('/v3/memories/search/')
      .set('Authorization', `Token ${tenant.key}`)
      .send({ filters: { user_id: 'kw' }, threshold: 0, ...body });

  it('keyword_search on v3 ranks by the keyword channel alone', async () => {
    const semantic = await search({ query: 'tea' }).expect(200);
    expect(semantic.body.results.length).toBeGreaterThan(1);
    const keyword = await search({ query: 'tea', keyword_search: true }).expect(200);
    expect(keyword.body.results.map((hit: { memory: string }) => hit.memory)).toEqual([
      'Drinks green tea every morning',
    ]);
    const [hit] = keyword.body.results;
    expect(hit.score).toBe(hit.score_breakdown.bm25);
  });

  it('refuses filter_memories and unknown output formats', async () => {
    const refused = await search({ query: 'tea', filter_memories: true }).expect(400);
    expect(JSON.stringify(refused.body)).toContain('filter_memories is not supported by this server');
    await search({ query: 'tea', output_format: 'v2' }).expect(400);
    await search({ query: 'tea', output_format: 'v1.1', filter_memories: false }).expect(200);
  });
});

describe('images with a vision model (OpenAI-compatible fake)', () => {
  let fake: FakeOpenAi;
  let t: TestApp;
  let tenant: Tenant;
  const DESCRIPTION = 'A homemade veggie pizza with peppers and olives, shared by someone who loves cooking.';

  beforeAll(async () => {
    fake = await startFakeOpenAi({ chat: withVision(() => DESCRIPTION), embeddingSize: 32 });
    t = await createTestApp({
      worker: true,
      env: {
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: fake.baseURL,
        LLM_PROVIDER: 'openai',
        EMBEDDER_PROVIDER: 'openai',
        OPENAI_EMBEDDING_DIMENSIONS: '32',
        OPENAI_VISION_MODEL: 'gpt-vision-test',
      },
    });
    tenant = await t.newTenant('mm-vision');
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  it('describes the image with the vision model, then extracts a memory from the description', async () => {
    const url = `data:image/png;base64,${Buffer.from('not really a png').toString('base64')}`;
    const { event, texts } = await addAndWait(t, tenant, 'alice', {
      messages: [
        { role: 'user', content: 'Hi, my name is Alice.' },
        { role: 'user', content: { type: 'image_url', image_url: { url } } },
      ],
    });
    expect(event.status).toBe('SUCCEEDED');
    expect(texts).toContain(DESCRIPTION);
    const vision = fake.chatBodies().filter((body) => visionImages(body).length > 0);
    expect(vision).toHaveLength(1);
    expect(vision[0].model).toBe('gpt-vision-test');
    expect(visionImages(vision[0])).toEqual([url]);
  });
});
