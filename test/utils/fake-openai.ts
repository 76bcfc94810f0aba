/**
 * A fake OpenAI-compatible API on loopback, for tests that must not reach the network.
 *
 *   const fake = await startFakeOpenAi({
 *     chat: (body) => '{"facts": [{"text": "Loves hiking", "source": "user"}]}',
 *   });
 *   new OpenAiLlmProvider({ apiKey: 'sk-test', baseURL: fake.baseURL, model: 'gpt-test', timeoutMs: 5000, maxRetries: 0 });
 *   // or run the server with OPENAI_BASE_URL=fake.baseURL
 *   fake.requests; // every request: { method, path, headers (lower-case names), body (parsed JSON) }
 *   fake.replies.push('{"facts": []}', { status: 500 }); // scripted answers to the next chat requests
 *   fake.reset(); // forget requests and unused scripted answers, e.g. in beforeEach
 *   await fake.close();
 *
 * `POST /v1/chat/completions`: `chat(body)` returns the assistant message content, or an object
 * `{ content, usage?, finishReason? }`, or `{ status, message?, type?, code?, headers? }` to answer
 * with an OpenAI-style error (500, 429, ...). Scripted `replies` (same shapes, or a function of the body)
 * are used first, in order. Without either, `defaultChatReply` answers:
 * extraction -> one fact per new non-system message (its content verbatim, source = its role),
 * update decision -> ADD of the fact, supersede/merge -> no decisions, synthesis -> no patterns, categorization -> ["misc"], rerank -> each document's share of
 * the query's words (so word overlap decides the order), summary -> the memories joined with "; ",
 * schema export -> `{}` (`exportRequest(body)` reads its schema and memories).
 * `POST /v1/embeddings`: `embeddings(body)` may return vectors, an error, or undefined for the default
 * deterministic bag-of-words vectors (texts sharing words are similar), of length `body.dimensions`,
 * else `embeddingSize` (default 1536). Honours `encoding_format: "base64"`.
 * Anything else -> 404 with an OpenAI-style error body.
 */
import { createHash } from 'node:crypto';
import { createServer, IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import {
  DOCUMENTS_HEADING,
  EXISTING_MEMORIES_HEADING,
  EXPORT_MEMORIES_HEADING,
  LIFECYCLE_FACTS_HEADING,
  MEMORY_HEADING,
  NEW_FACT_HEADING,
  NEW_MESSAGES_HEADING,
  SCHEMA_HEADING,
  SEARCH_QUERY_HEADING,
  SUMMARY_MEMORIES_HEADING,
  SYNTHESIS_MEMORIES_HEADING,
} from '@app/ai';

export interface FakeChatBody {
  model: string;
  messages: Array<{ role: string; content: string }>;
  temperature?: number;
  response_format?: { type: string };
  [key: string]: unknown;
}

export interface FakeEmbeddingsBody {
  model: string;
  input: string | string[];
  dimensions?: number;
  encoding_format?: 'float' | 'base64';
  [key: string]: unknown;
}

export interface FakeError {
  status: number;
  message?: string;
  type?: string;
  code?: string | null;
  headers?: Record<string, string>;
}

export interface FakeCompletion {
  content: string | null;
  finishReason?: string;
  usage?: { prompt_tokens: number; completion_tokens: number };
}

export type FakeChatReply = string | FakeCompletion | FakeError;
export type ScriptedChatReply = FakeChatReply | ((body: FakeChatBody) => FakeChatReply | Promise<FakeChatReply>);
export type FakeEmbeddingsReply = number[][] | FakeError | undefined;

export interface FakeOpenAiHandlers {
  chat?: (body: FakeChatBody, request: RecordedRequest) => FakeChatReply | Promise<FakeChatReply>;
  embeddings?: (
    body: FakeEmbeddingsBody,
    request: RecordedRequest,
  ) => FakeEmbeddingsReply | Promise<FakeEmbeddingsReply>;
  /** Vector length when a request carries no `dimensions`; default 1536. */
  embeddingSize?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface FakeOpenAi {
  /** e.g. `http://127.0.0.1:40123/v1`: the value for the SDK's baseURL / OPENAI_BASE_URL. */
  baseURL: string;
  requests: RecordedRequest[];
  /** Requests to one path, e.g. `fake.requestsTo('/v1/embeddings')`. */
  requestsTo(path: string): RecordedRequest[];
  /** Answers to the next chat requests, first in first out; when empty, `chat` or `defaultChatReply` answers. */
  replies: ScriptedChatReply[];
  /** Bodies of the chat completion requests so far. */
  chatBodies(): FakeChatBody[];
  /** Forgets the recorded requests and the unused scripted replies. */
  reset(): void;
  close(): Promise<void>;
}

export type ChatKind =
  'extraction' | 'update' | 'lifecycle' | 'synthesis' | 'categorization' | 'rerank' | 'summary' | 'export' | 'unknown';

/** Which of the provider's prompts a chat request carries. */
export function chatKind(body: FakeChatBody): ChatKind {
  const user = userText(body);
  if (user.startsWith(SCHEMA_HEADING)) return 'export';
  if (user.includes(NEW_MESSAGES_HEADING)) return 'extraction';
  if (user.includes(LIFECYCLE_FACTS_HEADING)) return 'lifecycle';
  if (user.startsWith(SYNTHESIS_MEMORIES_HEADING)) return 'synthesis';
  if (user.includes(NEW_FACT_HEADING)) return 'update';
  if (user.startsWith(MEMORY_HEADING)) return 'categorization';
  if (user.startsWith(SEARCH_QUERY_HEADING)) return 'rerank';
  if (user.startsWith(SUMMARY_MEMORIES_HEADING)) return 'summary';
  return 'unknown';
}

/** The text under a heading of the provider's user prompt, up to the next blank line. */
export function promptSection(body: FakeChatBody, heading: string): string[] {
  const lines = userText(body).split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) return [];
  const end = lines.indexOf('', start);
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

/** The turns listed under "New messages" of an extraction request. */
export function newMessages(body: FakeChatBody): Array<{ role: string; content: string; name?: string }> {
  return promptSection(body, NEW_MESSAGES_HEADING).map((line) => JSON.parse(line));
}

/** The numbered memories ({id: "0", text}) and the fact of an update-decision request. */
export function updateRequest(body: FakeChatBody): { memories: Array<{ id: string; text: string }>; fact: string } {
  const memories = promptSection(body, EXISTING_MEMORIES_HEADING).map((line) => JSON.parse(line));
  return { memories, fact: JSON.parse(promptSection(body, NEW_FACT_HEADING)[0] ?? '""') as string };
}

/** The numbered memories and the new facts (with the numbers of their candidates) of a supersede/merge request. */
export function lifecycleRequest(body: FakeChatBody): {
  memories: Array<{ id: string; text: string }>;
  facts: Array<{ id: string; text: string; memories: string[] }>;
} {
  const memories = promptSection(body, EXISTING_MEMORIES_HEADING).map((line) => JSON.parse(line));
  return { memories, facts: promptSection(body, LIFECYCLE_FACTS_HEADING).map((line) => JSON.parse(line)) };
}

/** The numbered memories ({id: "0", text}) of a synthesis request, oldest first. */
export function synthesisMemories(body: FakeChatBody): Array<{ id: string; text: string }> {
  return promptSection(body, SYNTHESIS_MEMORIES_HEADING).map((line) => JSON.parse(line));
}

/** The query and the numbered documents ({id: "0", text}) of a rerank request. */
export function rerankRequest(body: FakeChatBody): { query: string; documents: Array<{ id: string; text: string }> } {
  const query = JSON.parse(promptSection(body, SEARCH_QUERY_HEADING)[0] ?? '""') as string;
  return { query, documents: promptSection(body, DOCUMENTS_HEADING).map((line) => JSON.parse(line)) };
}

/** The memory texts of a summary request, newest first. */
export function summaryMemories(body: FakeChatBody): string[] {
  return promptSection(body, SUMMARY_MEMORIES_HEADING).map((line) => JSON.parse(line) as string);
}

/** The JSON Schema and the memory texts (newest first) of a schema export request. */
export function exportRequest(body: FakeChatBody): { schema: Record<string, unknown>; memories: string[] } {
  const schema = JSON.parse(promptSection(body, SCHEMA_HEADING)[0] ?? '{}') as Record<string, unknown>;
  return { schema, memories: promptSection(body, EXPORT_MEMORIES_HEADING).map((line) => JSON.parse(line) as string) };
}

export function defaultChatReply(body: FakeChatBody): string {
  switch (chatKind(body)) {
    case 'extraction': {
      const facts = newMessages(body)
        .filter((message) => message.role !== 'system')
        .map((message) => ({ text: message.content, source: message.role }));
      return JSON.stringify({ facts });
    }
    case 'update':
      return JSON.stringify({ event: 'ADD', text: updateRequest(body).fact });
    case 'lifecycle':
      return JSON.stringify({ decisions: [] });
    case 'synthesis':
      return JSON.stringify({ patterns: [] });
    case 'categorization':
      return JSON.stringify({ categories: ['misc'] });
    case 'rerank': {
      const { query, documents } = rerankRequest(body);
      const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
      const wanted = new Set(words(query));
      const scores = Object.fromEntries(
        documents.map((document) => {
          const shared = new Set(words(document.text).filter((word) => wanted.has(word)));
          return [document.id, wanted.size ? Math.round((shared.size / wanted.size) * 100) / 100 : 0];
        }),
      );
      return JSON.stringify({ scores });
    }
    case 'summary':
      return `${summaryMemories(body).join('; ')}.`;
    default:
      return '{}';
  }
}

/** Deterministic, unnormalised vector: each word adds ±1 on a hashed coordinate, so shared words mean similarity. */
export function fakeEmbedding(text: string, size: number): number[] {
  const vector = new Array<number>(size).fill(0);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [text];
  for (const word of words) {
    const digest = createHash('sha256').update(word).digest();
    vector[digest.readUInt32BE(0) % size] += digest[4] & 1 ? 1 : -1;
    vector[digest.readUInt32BE(5) % size] += 0.5;
  }
  return vector;
}

export async function startFakeOpenAi(handlers: FakeOpenAiHandlers = {}): Promise<FakeOpenAi> {
  const requests: RecordedRequest[] = [];
  const replies: ScriptedChatReply[] = [];
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      sendError(res, { status: 500, message: `fake OpenAI handler failed: ${(error as Error)?.message ?? error}` });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    let body: unknown = undefined;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    const path = (req.url ?? '/').split('?')[0];
    const recorded: RecordedRequest = { method: req.method ?? 'GET', path, headers: req.headers, body };
    requests.push(recorded);

    if (req.method === 'POST' && path === '/v1/chat/completions') {
      const chatBody = body as FakeChatBody;
      const scripted = replies.shift();
      const reply =
        scripted !== undefined
          ? await (typeof scripted === 'function' ? scripted(chatBody) : scripted)
          : handlers.chat
            ? await handlers.chat(chatBody, recorded)
            : defaultChatReply(chatBody);
      if (isError(reply)) return sendError(res, reply);
      const completion: FakeCompletion = typeof reply === 'string' ? { content: reply } : reply;
      const promptTokens = estimateTokens(chatBody.messages.map((m) => m.content).join('\n'));
      const usage = completion.usage ?? {
        prompt_tokens: promptTokens,
        completion_tokens: estimateTokens(completion.content ?? ''),
      };
      return sendJson(res, 200, {
        id: `chatcmpl-fake${requests.length}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: chatBody.model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: completion.content, refusal: null },
            logprobs: null,
            finish_reason: completion.finishReason ?? 'stop',
          },
        ],
        usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
      });
    }

    if (req.method === 'POST' && path === '/v1/embeddings') {
      const embeddingsBody = body as FakeEmbeddingsBody;
      const inputs = Array.isArray(embeddingsBody.input) ? embeddingsBody.input : [embeddingsBody.input];
      const reply = handlers.embeddings ? await handlers.embeddings(embeddingsBody, recorded) : undefined;
      if (isError(reply)) return sendError(res, reply);
      const size = embeddingsBody.dimensions ?? handlers.embeddingSize ?? 1536;
      const vectors = reply ?? inputs.map((text) => fakeEmbedding(text, size));
      const tokens = estimateTokens(inputs.join(' '));
      return sendJson(res, 200, {
        object: 'list',
        data: vectors.map((vector, index) => ({
          object: 'embedding',
          index,
          embedding:
            embeddingsBody.encoding_format === 'base64'
              ? Buffer.from(new Float32Array(vector).buffer).toString('base64')
              : vector,
        })),
        model: embeddingsBody.model,
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      });
    }

    sendError(res, { status: 404, message: `Unknown request URL: ${req.method} ${path}`, code: 'unknown_url' });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    requestsTo: (path) => requests.filter((request) => request.path === path),
    replies,
    chatBodies: () =>
      requests.filter((request) => request.path === '/v1/chat/completions').map((r) => r.body as FakeChatBody),
    reset: () => {
      requests.length = 0;
      replies.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function isError(reply: unknown): reply is FakeError {
  return typeof reply === 'object' && reply !== null && !Array.isArray(reply) && 'status' in reply;
}

function userText(body: FakeChatBody): string {
  return body.messages.find((message) => message.role === 'user')?.content ?? '';
}

function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendError(res: ServerResponse, error: FakeError): void {
  const type =
    error.type ??
    (error.status === 429 ? 'rate_limit_exceeded' : error.status >= 500 ? 'server_error' : 'invalid_request_error');
  const body = {
    error: { message: error.message ?? `Fake error ${error.status}`, type, param: null, code: error.code ?? null },
  };
  sendJson(res, error.status, body, { 'x-request-id': `req_fake_${Date.now()}`, ...error.headers });
}
