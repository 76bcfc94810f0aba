import { request as httpRequest, IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pinnedLookup, refusedRange, ResolvedTarget, resolveHost, targetHost } from '@app/webhooks';
import { ContentRefusal } from './content-parts';
import { tooLarge } from './document-text';

export interface FetchLimits {
  maxBytes: number;
  timeoutMs: number;
  /** Internal addresses allowed (DOCUMENTS_ALLOW_PRIVATE_URLS): the OS resolves as usual. */
  allowPrivate: boolean;
}

const MAX_REDIRECTS = 3;

/**
 * A document's bytes. Each hop's host must resolve to public addresses only, and the connection goes
 * to the address that was checked (a second DNS answer cannot point it inside). A refused or missing
 * document is a ContentRefusal; network errors, timeouts and 5xx are left to the job's retries.
 */
export async function fetchDocument(url: string, path: string, limits: FetchLimits): Promise<Buffer> {
  let target = new URL(url);
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const pinned = limits.allowPrivate ? null : await checkedAddress(target, path);
    const response = await get(target, pinned, limits, path);
    if ('redirect' in response) {
      target = new URL(response.redirect, target);
      if (!/^https?:$/.test(target.protocol)) {
        throw new ContentRefusal(`${path}: the document URL redirects to a ${target.protocol} URL`);
      }
      continue;
    }
    return response.body;
  }
  throw new ContentRefusal(`${path}: the document URL redirects more than ${MAX_REDIRECTS} times`);
}

async function checkedAddress(url: URL, path: string): Promise<ResolvedTarget> {
  const host = targetHost(url);
  const targets = await resolveHost(host).catch(() => {
    throw new ContentRefusal(`${path}: the document's host ${host} does not resolve`);
  });
  for (const { address } of targets) {
    const range = refusedRange(address);
    if (range) {
      throw new ContentRefusal(
        `${path}: the document URL points to ${address}, a ${range} address; internal addresses are refused (DOCUMENTS_ALLOW_PRIVATE_URLS)`,
      );
    }
  }
  return targets[0];
}

type Fetched = { body: Buffer } | { redirect: string };

function get(url: URL, pinned: ResolvedTarget | null, limits: FetchLimits, path: string): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const fail = (error: Error) => {
      clearTimeout(timer);
      request.destroy();
      reject(error);
    };
    const request = send(
      url,
      { method: 'GET', agent: false, lookup: pinned ? pinnedLookup(pinned) : undefined },
      (response: IncomingMessage) => {
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400 && response.headers.location) {
          response.resume();
          clearTimeout(timer);
          return resolve({ redirect: response.headers.location });
        }
        if (status < 200 || status >= 300) {
          response.resume();
          const message = `${path}: the document URL answered HTTP ${status}`;
          return fail(status >= 500 || status === 429 ? new Error(message) : new ContentRefusal(message));
        }
        if (Number(response.headers['content-length']) > limits.maxBytes) {
          return fail(tooLarge(path, limits.maxBytes));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > limits.maxBytes) {
            fail(tooLarge(path, limits.maxBytes));
          } else {
            chunks.push(chunk);
          }
        });
        response.on('end', () => {
          clearTimeout(timer);
          resolve({ body: Buffer.concat(chunks) });
        });
        response.on('error', fail);
      },
    );
    const timer = setTimeout(
      () => fail(new Error(`${path}: the document download timed out after ${limits.timeoutMs} ms`)),
      limits.timeoutMs,
    );
    request.on('error', (error) => fail(new Error(`${path}: the document could not be fetched: ${error.message}`)));
    request.end();
  });
}
