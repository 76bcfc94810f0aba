import OpenAI, { APIError } from 'openai';
import type { ChatCompletion, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import {
  CategorizeRequest,
  emptyUsage,
  LifecycleDecision,
  LifecycleRequest,
  ExtractedFact,
  ExtractionRequest,
  ExtractionResult,
  LlmProvider,
  NO_MEMORIES_SUMMARY,
  RerankRequest,
  SchemaFillRequest,
  SummaryRequest,
  SynthesisRequest,
  SynthesizedPattern,
  TokenUsage,
  UpdateDecision,
  UpdateRequest,
} from '../ai.types';
import { compileJsonSchema } from '../json-schema';
import {
  buildCategorizePrompt,
  buildExtractionPrompt,
  buildRerankPrompt,
  buildSummaryPrompt,
  buildUpdatePrompt,
  buildSchemaFillPrompt,
  PromptPair,
} from './prompts';
import { describeOpenAiError, OpenAiConnection, openAiClient } from './openai-errors';
import { InvalidReply } from './invalid-reply';
import { buildLifecyclePrompt, buildSynthesisPrompt, parseLifecycle, parsePatterns } from './lifecycle-prompts';

export interface OpenAiLlmOptions extends OpenAiConnection {
  model: string;
}

const ATTEMPTS = 2;
const SHOWN_REPLY_CHARS = 300;

/** JSON mode (with the re-ask asking for the JSON object again) or plain text; an optional cap of the answer. */
interface ChatMode {
  json: boolean;
  maxTokens?: number;
}

interface ChatReply {
  content: string | null;
  /** The answer was cut off by max_tokens. */
  truncated: boolean;
}

const JSON_MODE: ChatMode = { json: true };

export class OpenAiLlmProvider implements LlmProvider {
  readonly name = 'openai';
  readonly local = false;
  private readonly client: OpenAI;
  private readonly model: string;
  private readonly timeoutMs: number;
  private readonly total: TokenUsage = emptyUsage();
  /* Reasoning models reject temperature 0 and max_tokens; learnt from the first 400 and not retried afterwards. */
  private sendTemperature = true;
  private maxTokensField: 'max_tokens' | 'max_completion_tokens' = 'max_tokens';

  constructor(options: OpenAiLlmOptions) {
    this.model = options.model;
    this.timeoutMs = options.timeoutMs;
    this.client = openAiClient(options);
  }

  /** Usage of every call made by this instance (decideUpdate, categorize, rerank, summarize report usage only here). */
  get totalUsage(): TokenUsage {
    return { ...this.total };
  }

  async extractFacts(request: ExtractionRequest): Promise<ExtractionResult> {
    const usage = emptyUsage();
    const roles = new Set(request.messages.filter((m) => m.role !== 'system' && m.content.trim()).map((m) => m.role));
    if (roles.size === 0) return { facts: [], usage };
    const onlyRole = roles.size === 1 ? (roles.has('assistant') ? 'assistant' : 'user') : null;
    const facts = await this.completeJson('fact extraction', buildExtractionPrompt(request), usage, (value) =>
      parseFacts(value, onlyRole),
    );
    return { facts, usage };
  }

  async decideUpdate(request: UpdateRequest): Promise<UpdateDecision> {
    if (request.similar.length === 0) return { event: 'ADD', text: request.fact };
    return this.completeJson('update decision', buildUpdatePrompt(request), request.usage ?? emptyUsage(), (value) =>
      parseDecision(value, request),
    );
  }

  async categorize(request: CategorizeRequest): Promise<string[]> {
    if (request.categories.length === 0) return [];
    const byName = new Map(request.categories.map((c) => [c.name.trim().toLowerCase(), c.name]));
    return this.completeJson('categorization', buildCategorizePrompt(request), emptyUsage(), (value) =>
      parseCategories(value, byName),
    );
  }

  /** Scores 0..1 per document id; documents the model leaves out score 0. */
  async rerank(request: RerankRequest): Promise<Map<string, number>> {
    if (request.documents.length === 0) return new Map();
    return this.completeJson('rerank', buildRerankPrompt(request), emptyUsage(), (value) =>
      parseScores(value, request),
    );
  }

  /** Plain text: a summary cut off by max_tokens is still usable, a cut-off JSON object is not. */
  async summarize(request: SummaryRequest): Promise<string> {
    if (!request.memories.some((memory) => memory.trim())) return NO_MEMORIES_SUMMARY;
    const maxTokens = request.maxTokens && request.maxTokens > 0 ? Math.floor(request.maxTokens) : undefined;
    return this.complete(
      'summary',
      buildSummaryPrompt(request),
      emptyUsage(),
      { json: false, maxTokens },
      parseSummary,
    );
  }

  /** JSON mode; an answer that does not validate is re-asked once with the errors, a second one is returned as is. */
  async fillSchema(request: SchemaFillRequest): Promise<Record<string, unknown>> {
    const check = compileJsonSchema(request.schema);
    let answers = 0;
    return this.completeJson('schema export', buildSchemaFillPrompt(request), emptyUsage(), (value) => {
      const problem = check(value);
      if (problem && ++answers < ATTEMPTS) throw new InvalidReply(`it does not match the schema: ${problem}`);
      return value;
    });
  }

  /** One call for the whole add: every fact with its candidates. */
  async judgeLifecycle(request: LifecycleRequest): Promise<LifecycleDecision[]> {
    const prompt = buildLifecyclePrompt(request);
    if (!prompt) return [];
    return this.completeJson('supersede and merge', prompt.pair, request.usage ?? emptyUsage(), (value) =>
      parseLifecycle(value, prompt.memories),
    );
  }

  async synthesize(request: SynthesisRequest): Promise<SynthesizedPattern[]> {
    if (request.memories.length === 0) return [];
    return this.completeJson('synthesis', buildSynthesisPrompt(request), emptyUsage(), (value) =>
      parsePatterns(value, request),
    );
  }

  private completeJson<T>(
    operation: string,
    prompt: PromptPair,
    usage: TokenUsage,
    parse: (value: Record<string, unknown>) => T,
  ): Promise<T> {
    return this.complete(operation, prompt, usage, JSON_MODE, (reply) => parse(parseJson(reply.content)));
  }

  /** One retry on unusable output, telling the model what was wrong with its first answer. */
  private async complete<T>(
    operation: string,
    prompt: PromptPair,
    usage: TokenUsage,
    mode: ChatMode,
    parse: (reply: ChatReply) => T,
  ): Promise<T> {
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: prompt.system },
      { role: 'user', content: prompt.user },
    ];
    const expected = mode.json ? 'only the JSON object in the required shape' : 'only the text asked for';
    let problem = '';
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const reply = await this.chat(operation, messages, usage, mode);
      try {
        return parse(reply);
      } catch (error) {
        if (!(error instanceof InvalidReply)) throw error;
        problem = `${error.message}; the model returned: ${truncate(reply.content)}`;
        messages.push(
          { role: 'assistant', content: reply.content ?? '' },
          { role: 'user', content: `That answer was not usable (${error.message}). Reply again with ${expected}.` },
        );
      }
    }
    throw new Error(
      `OpenAI ${operation} failed: model ${this.model} gave an invalid answer ${ATTEMPTS} times (${problem})`,
    );
  }

  private async chat(
    operation: string,
    messages: ChatCompletionMessageParam[],
    usage: TokenUsage,
    mode: ChatMode,
  ): Promise<ChatReply> {
    let completion: ChatCompletion;
    try {
      completion = await this.create(messages, mode);
    } catch (error) {
      if (this.learnFrom(error, mode)) return this.chat(operation, messages, usage, mode);
      throw describeOpenAiError(`OpenAI ${operation} request (model ${this.model})`, error, this.timeoutMs);
    }
    for (const target of [usage, this.total]) {
      target.llmCalls += 1;
      target.inputTokens += completion.usage?.prompt_tokens ?? 0;
      target.outputTokens += completion.usage?.completion_tokens ?? 0;
    }
    const choice = completion.choices?.[0];
    return { content: choice?.message?.content ?? null, truncated: choice?.finish_reason === 'length' };
  }

  /** True when a 400 names a parameter this model does not take and the request can go again without it. */
  private learnFrom(error: unknown, mode: ChatMode): boolean {
    if (!(error instanceof APIError) || error.status !== 400) return false;
    if (this.sendTemperature && /temperature/i.test(error.message)) {
      this.sendTemperature = false;
      return true;
    }
    if (mode.maxTokens && this.maxTokensField === 'max_tokens' && /max_tokens/i.test(error.message)) {
      this.maxTokensField = 'max_completion_tokens';
      return true;
    }
    return false;
  }

  private create(messages: ChatCompletionMessageParam[], mode: ChatMode): Promise<ChatCompletion> {
    return this.client.chat.completions.create({
      model: this.model,
      messages,
      ...(mode.json ? { response_format: { type: 'json_object' as const } } : {}),
      ...(this.sendTemperature ? { temperature: 0 } : {}),
      ...(mode.maxTokens ? { [this.maxTokensField]: mode.maxTokens } : {}),
    });
  }
}

function truncate(content: string | null): string {
  if (content === null) return '(no content)';
  const shown = JSON.stringify(content.slice(0, SHOWN_REPLY_CHARS));
  return content.length > SHOWN_REPLY_CHARS ? `${shown}... (${content.length} chars)` : shown;
}

/* Compatible servers sometimes ignore JSON mode and wrap the object in prose or a code fence. */
function parseJson(content: string | null): Record<string, unknown> {
  if (content === null || !content.trim()) throw new InvalidReply('empty answer');
  const candidates = [content.trim()];
  const start = content.indexOf('{');
  const end = content.lastIndexOf('}');
  if (start >= 0 && end > start) candidates.push(content.slice(start, end + 1));
  for (const candidate of candidates) {
    try {
      const value: unknown = JSON.parse(candidate);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
      throw new InvalidReply('the answer is not a JSON object');
    } catch (error) {
      if (error instanceof InvalidReply) throw error;
    }
  }
  throw new InvalidReply('the answer is not valid JSON');
}

function parseFacts(value: Record<string, unknown>, onlyRole: ExtractedFact['source'] | null): ExtractedFact[] {
  const items = value.facts;
  if (!Array.isArray(items)) throw new InvalidReply('"facts" is missing or not an array');
  const facts: ExtractedFact[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const fact = toFact(item, onlyRole);
    if (!fact) continue;
    const key = `${fact.source}\n${fact.text.toLowerCase()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    facts.push(fact);
  }
  return facts;
}

/* Custom prompts written for mem0 return plain strings; a role absent from the new turns cannot be a fact's source. */
function toFact(item: unknown, onlyRole: ExtractedFact['source'] | null): ExtractedFact | null {
  let text: unknown = item;
  let source: unknown;
  if (item !== null && typeof item === 'object') {
    const record = item as Record<string, unknown>;
    text = record.text ?? record.fact ?? record.memory;
    source = record.source;
  }
  if (typeof text !== 'string' || !text.trim()) return null;
  const stated = typeof source === 'string' && /^(assistant|agent)$/i.test(source.trim()) ? 'assistant' : 'user';
  return { text: text.trim(), source: onlyRole ?? stated };
}

const EVENTS = ['ADD', 'UPDATE', 'DELETE', 'NOOP'] as const;

function parseDecision(value: Record<string, unknown>, request: UpdateRequest): UpdateDecision {
  const event = typeof value.event === 'string' ? value.event.trim().toUpperCase() : '';
  if (!(EVENTS as readonly string[]).includes(event))
    throw new InvalidReply('"event" must be ADD, UPDATE, DELETE or NOOP');
  const text = typeof value.text === 'string' && value.text.trim() ? value.text.trim() : null;
  const target = resolveIndex(value.id, request.similar.length);
  const memory = target === null ? null : request.similar[target];
  switch (event as (typeof EVENTS)[number]) {
    case 'ADD':
      return { event: 'ADD', text: text ?? request.fact };
    case 'UPDATE':
      // Without a known target the merged text is meaningless; keeping the fact itself loses nothing.
      if (!memory) return { event: 'ADD', text: request.fact };
      if (text === memory.text) return { event: 'NOOP', id: memory.id };
      return { event: 'UPDATE', id: memory.id, text: text ?? request.fact };
    case 'DELETE':
      return memory ? { event: 'DELETE', id: memory.id } : { event: 'NOOP' };
    case 'NOOP':
      return memory ? { event: 'NOOP', id: memory.id } : { event: 'NOOP' };
  }
}

function resolveIndex(id: unknown, count: number): number | null {
  let index: number | null = null;
  if (typeof id === 'number' && Number.isInteger(id)) index = id;
  if (typeof id === 'string') {
    const match = /^\s*\[?\s*(\d+)\s*\]?\s*$/.exec(id);
    if (match) index = Number(match[1]);
  }
  return index !== null && index >= 0 && index < count ? index : null;
}

/** `{"scores": {"0": 0.9}}`, also `[{"id": "0", "score": 0.9}]` or the id map without the "scores" wrapper. */
function parseScores(value: Record<string, unknown>, request: RerankRequest): Map<string, number> {
  const raw =
    value.scores ??
    (Object.keys(value).some((key) => resolveIndex(key, request.documents.length) !== null) ? value : undefined);
  if (raw === null || typeof raw !== 'object') throw new InvalidReply('"scores" is missing or not an object');
  const entries: Array<[unknown, unknown]> = Array.isArray(raw)
    ? raw.map((item: unknown) => {
        const record = (item ?? {}) as Record<string, unknown>;
        return [record.id, record.score ?? record.relevance];
      })
    : Object.entries(raw);
  const scores = new Map<number, number>();
  for (const [id, score] of entries) {
    const index = resolveIndex(id, request.documents.length);
    const number = typeof score === 'string' && score.trim() ? Number(score) : score;
    if (index === null || typeof number !== 'number' || !Number.isFinite(number)) continue;
    scores.set(index, Math.min(1, Math.max(0, number)));
  }
  if (scores.size === 0) throw new InvalidReply('no score for any of the listed document ids');
  const byId = new Map<string, number>();
  request.documents.forEach((document, index) => {
    byId.set(document.id, Math.max(byId.get(document.id) ?? 0, scores.get(index) ?? 0));
  });
  return byId;
}

/* Some compatible servers answer JSON anyway; an answer cut off by max_tokens ends at its last full sentence. */
function parseSummary(reply: ChatReply): string {
  let text = reply.content?.trim() ?? '';
  if (text.startsWith('{')) {
    try {
      const value = JSON.parse(text) as { summary?: unknown };
      if (typeof value?.summary === 'string') text = value.summary.trim();
    } catch {
      // Plain text that happens to start with a brace.
    }
  }
  text = text.replace(/^(?:#+\s*)?summary\s*:\s*/i, '').trim();
  if (!text) throw new InvalidReply('empty answer');
  if (reply.truncated && !/[.!?]$/.test(text)) {
    const end = Math.max(text.lastIndexOf('. '), text.lastIndexOf('! '), text.lastIndexOf('? '));
    text = end > 0 ? text.slice(0, end + 1) : `${text}…`;
  }
  return text;
}

function parseCategories(value: Record<string, unknown>, byName: Map<string, string>): string[] {
  const items = value.categories;
  if (!Array.isArray(items)) throw new InvalidReply('"categories" is missing or not an array');
  const chosen = new Set<string>();
  for (const item of items) {
    const name = typeof item === 'string' ? byName.get(item.trim().toLowerCase()) : undefined;
    if (name) chosen.add(name);
  }
  return [...chosen];
}
