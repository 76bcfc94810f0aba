import { request as httpRequest, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { LookupFunction } from 'node:net';
import { ResolvedTarget } from './url-guard';

export interface HttpResult {
  statusCode: number;
  headers: IncomingHttpHeaders;
  /** The start of the response body (at most `maxBodyBytes`). */
  body: string;
}

export interface PostOptions {
  timeoutMs: number;
  /** Connect to this (already checked) address whatever DNS says now; null: resolve normally. */
  pinned: ResolvedTarget | null;
  maxBodyBytes: number;
}

export function pinnedLookup(target: ResolvedTarget): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) {
      callback(null, [{ address: target.address, family: target.family }]);
    } else {
      callback(null, target.address, target.family);
    }
  };
}

/**
 * One POST with a deadline over the whole exchange; no redirects are followed and no connection
 * is kept (`agent: false`). Resolves with any HTTP status, rejects on network errors and timeouts.
 */
export function postJson(url: URL, headers: Record<string, string>, body: string, options: PostOptions) {
  return new Promise<HttpResult>((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    let received: IncomingMessage | undefined;
    const request = send(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
        agent: false,
        lookup: options.pinned ? pinnedLookup(options.pinned) : undefined,
      },
      (response) => {
        received = response;
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).subarray(0, options.maxBodyBytes).toString('utf8');
          resolve({ statusCode: response.statusCode ?? 0, headers: response.headers, body: text });
        };
        response.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= options.maxBodyBytes) {
            // Enough to log: stop reading a large (or endless) body.
            response.destroy();
          }
        });
        response.on('close', finish);
      },
    );
    // Past the deadline a response whose status has arrived counts (with the body read so far).
    const timer = setTimeout(() => {
      if (received) {
        received.destroy();
      } else {
        request.destroy(new Error(`timed out after ${options.timeoutMs} ms`));
      }
    }, options.timeoutMs);
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.end(body);
  });
}
