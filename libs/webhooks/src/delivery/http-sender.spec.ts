import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { postJson } from './http-sender';

describe('postJson', () => {
  let server: Server;
  let port: number;
  let handle: (request: IncomingMessage, response: ServerResponse) => void;

  beforeAll(async () => {
    server = createServer((request, response) => handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const options = { timeoutMs: 1000, pinned: null, maxBodyBytes: 16 };

  it('connects to the pinned address whatever the name resolves to, keeping the Host header', async () => {
    let host: string | undefined;
    let body = '';
    handle = (request, response) => {
      host = request.headers.host;
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => response.writeHead(204).end());
    };
    const url = new URL(`http://receiver.invalid:${port}/hook`);
    const result = await postJson(url, { 'Content-Type': 'application/json' }, '{"a":1}', {
      ...options,
      pinned: { address: '127.0.0.1', family: 4 },
    });
    expect(result.statusCode).toBe(204);
    expect(host).toBe(`receiver.invalid:${port}`);
    expect(body).toBe('{"a":1}');
    // Unpinned, the same name does not resolve at all.
    await expect(postJson(url, {}, '{}', options)).rejects.toThrow(/ENOTFOUND|EAI_AGAIN/);
  });

  it('keeps only the start of a long answer, and the Retry-After header', async () => {
    handle = (_request, response) => {
      response.writeHead(503, { 'Retry-After': '7' });
      response.end('x'.repeat(100_000));
    };
    const result = await postJson(new URL(`http://127.0.0.1:${port}/`), {}, '{}', options);
    expect(result).toMatchObject({ statusCode: 503, body: 'x'.repeat(16) });
    expect(result.headers['retry-after']).toBe('7');
  });

  it('gives up at the deadline, but keeps a status that already arrived', async () => {
    handle = () => undefined;
    await expect(
      postJson(new URL(`http://127.0.0.1:${port}/`), {}, '{}', { ...options, timeoutMs: 200 }),
    ).rejects.toThrow('timed out after 200 ms');
    handle = (_request, response) => {
      response.writeHead(200);
      response.write('partial');
    };
    const result = await postJson(new URL(`http://127.0.0.1:${port}/`), {}, '{}', { ...options, timeoutMs: 200 });
    expect(result).toMatchObject({ statusCode: 200, body: 'partial' });
  });
});
