import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { ContentRefusal } from './content-parts';
import { fetchDocument } from './document-fetch';

describe('fetchDocument', () => {
  let server: Server;
  let base: string;
  const limits = { maxBytes: 64, timeoutMs: 2000, allowPrivate: true };

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/moved') {
        res.writeHead(302, { location: '/small' });
        return res.end();
      }
      if (req.url === '/slow') {
        return setTimeout(() => res.end('late'), 500);
      }
      res.end(req.url === '/small' ? 'hello' : 'x'.repeat(1000));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('refuses internal addresses unless they are allowed', async () => {
    const refused = fetchDocument(`${base}/small`, 'doc', { ...limits, allowPrivate: false });
    await expect(refused).rejects.toThrow(
      new ContentRefusal(
        'doc: the document URL points to 127.0.0.1, a loopback address; internal addresses are refused (DOCUMENTS_ALLOW_PRIVATE_URLS)',
      ),
    );
    await expect(fetchDocument(`${base}/small`, 'doc', limits)).resolves.toEqual(Buffer.from('hello'));
  });

  it('follows redirects, stops past the size limit and the deadline', async () => {
    await expect(fetchDocument(`${base}/moved`, 'doc', limits)).resolves.toEqual(Buffer.from('hello'));
    await expect(fetchDocument(`${base}/large`, 'doc', limits)).rejects.toThrow(/at most 64 bytes/);
    const late = fetchDocument(`${base}/slow`, 'doc', { ...limits, timeoutMs: 100 });
    await expect(late).rejects.toThrow('doc: the document download timed out after 100 ms');
  });
});
