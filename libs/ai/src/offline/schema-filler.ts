import { isObject } from '@app/core';
import { Embedder } from '../ai.types';
import { conceptsOf, dot, stem, STOP_WORDS, tokenize } from './hash-embedder';
import { extractValue, extractValues, propertyStems, relatedStems } from './value-extractor';

type Schema = Record<string, unknown>;

/** Relevance in [0, 1] of each memory (in list order) to a property described by `query`. */
export type Relevance = (query: string, memories: string[]) => Promise<number[]>;

/** A memory this relevant to a property may fill it; inside an array item, which is one memory already chosen, less is asked. */
export const FILL_THRESHOLD = 0.3;
const ITEM_THRESHOLD = 0.15;
/** Memories within this share of the best score count as equally good: the newest of them wins. */
const TIE_RATIO = 0.9;
const DEFAULT_MAX_ITEMS = 5;
const MAX_DEPTH = 8;
const NEGATION = /\b(?:not|no|never|dont|doesnt|didnt|isnt|wasnt|cant|cannot|wont|arent|havent|hasnt)\b/;
const NUMBER = /-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?/g;
const FORMATS: Record<string, RegExp> = {
  email: /[^\s@<>()]+@[^\s@<>()]+\.[A-Za-z]{2,}/,
  date: /\b\d{4}-\d{2}-\d{2}\b/,
  'date-time': /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?/,
  uri: /\bhttps?:\/\/\S+/,
};

/** Content stems of a text (stop words left out). */
export function contentStems(text: string): string[] {
  return tokenize(text)
    .filter((word) => !STOP_WORDS.has(word))
    .map(stem);
}

/**
 * Half cosine similarity with the embedder, half the share of the query's words the memory contains
 * (a word of the same concept group, "hobbies" for "hiking", counts half).
 */
export function embedderRelevance(embedder: Embedder): Relevance {
  const cache = new Map<string, { vector: number[]; stems: Set<string>; concepts: Set<string> }>();
  const describe = async (texts: string[]) => {
    const missing = [...new Set(texts.filter((text) => !cache.has(text)))];
    const vectors = missing.length ? await embedder.embed(missing.map((text) => text.trim() || ' ')) : [];
    missing.forEach((text, i) => {
      const stems = contentStems(text);
      cache.set(text, { vector: vectors[i], stems: new Set(stems), concepts: new Set(stems.flatMap(conceptsOf)) });
    });
    return texts.map((text) => cache.get(text)!);
  };
  return async (query, memories) => {
    const [wanted] = await describe([query]);
    const described = await describe(memories);
    const stems = [...wanted.stems];
    return described.map((memory) => {
      const own = [...memory.stems];
      const matched = stems.reduce(
        (sum, s) =>
          sum +
          (own.some((word) => relatedStems(word, s)) ? 1 : conceptsOf(s).some((c) => memory.concepts.has(c)) ? 0.5 : 0),
        0,
      );
      const overlap = stems.length ? matched / stems.length : 0;
      return Math.max(0, 0.5 * dot(wanted.vector, memory.vector) + 0.5 * overlap);
    });
  };
}

/**
 * Deterministic, extractive schema filling: every property is matched against the memories by its
 * name, title and description. Strings take the value the best memory gives (value-extractor.ts),
 * string arrays the values of the top few,
 * numbers and booleans only what a relevant memory states, objects recurse, arrays of objects get one
 * item per relevant memory; nothing relevant gives null (or an empty value where null is not allowed).
 */
export async function fillSchemaOffline(
  schema: Schema,
  memories: string[],
  relevance: Relevance,
): Promise<Record<string, unknown>> {
  const filler = new SchemaFiller(schema, relevance);
  const value = await filler.value(schema, { memories, path: [], threshold: FILL_THRESHOLD, depth: 0 });
  return isObject(value) ? value : {};
}

interface Context {
  memories: string[];
  /** Property names from the root: the query of a nested property includes its parent's name. */
  path: string[];
  threshold: number;
  depth: number;
}

/** `type` of a schema (after $ref), whether null is allowed, and the branch to fill. */
interface Shape {
  schema: Schema;
  type: string | null;
  nullable: boolean;
}

class SchemaFiller {
  constructor(
    private readonly root: Schema,
    private readonly relevance: Relevance,
  ) {}

  /** The value for a schema, or undefined when the memories say nothing about it. */
  async value(raw: Schema, context: Context): Promise<unknown> {
    const { schema, type } = this.shape(raw);
    if (context.depth > MAX_DEPTH) return undefined;
    if ('const' in schema) return schema.const;
    if (Array.isArray(schema.enum)) return this.choice(schema, context);
    switch (type) {
      case 'object':
        return this.object(schema, context);
      case 'array':
        return this.array(schema, context);
      case 'number':
      case 'integer':
        return this.number(schema, type, context);
      case 'boolean':
        return this.boolean(schema, context);
      case 'null':
        return null;
      default:
        return this.string(schema, context);
    }
  }

  private async object(schema: Schema, context: Context): Promise<Record<string, unknown> | undefined> {
    const properties = isObject(schema.properties) ? schema.properties : {};
    const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
    const result: Record<string, unknown> = {};
    let found = false;
    for (const [name, property] of Object.entries(properties)) {
      if (!isObject(property)) continue;
      const child = { ...context, path: [...context.path, name], depth: context.depth + 1 };
      const value = await this.value(property, child);
      if (value !== undefined && value !== null) {
        result[name] = value;
        found = true;
        continue;
      }
      const empty = this.empty(property, child);
      if (required.has(name) || this.shape(property).nullable) {
        if (empty !== undefined) result[name] = empty;
      }
    }
    return found || context.depth === 0 ? result : undefined;
  }

  /** Required or nullable but unknown: null where allowed, else an empty string, list or object. */
  private empty(raw: Schema, context: Context): unknown {
    const { schema, type, nullable } = this.shape(raw);
    if (nullable || type === null) return null;
    if (type === 'string') return '';
    if (type === 'array') return [];
    if (type === 'object' && context.depth <= MAX_DEPTH) {
      const properties = isObject(schema.properties) ? schema.properties : {};
      const required = Array.isArray(schema.required) ? schema.required.map(String) : [];
      const entries = required
        .filter((name) => isObject(properties[name]))
        .map((name) => [name, this.empty(properties[name] as Schema, { ...context, depth: context.depth + 1 })]);
      return Object.fromEntries(entries.filter(([, value]) => value !== undefined));
    }
    // A number or boolean nobody stated: left out, and validation says which one was missing.
    return undefined;
  }

  private async array(schema: Schema, context: Context): Promise<unknown[] | undefined> {
    const items = isObject(schema.items) ? schema.items : {};
    const { schema: item, type } = this.shape(items);
    const max = typeof schema.maxItems === 'number' ? schema.maxItems : DEFAULT_MAX_ITEMS;
    const ranked = await this.ranked(schema, context);
    let values: unknown[];
    if (Array.isArray(item.enum)) {
      // Every option the relevant memories name ("Speaks French and German": both).
      const named = ranked.map((index) => this.named(item, context.memories[index]));
      values = item.enum.filter((option) => named.some((names) => names.includes(option)));
    } else if (type === 'object' || type === 'number' || type === 'integer') {
      values = [];
      for (const index of ranked) {
        const one = { ...context, memories: [context.memories[index]], threshold: ITEM_THRESHOLD };
        const value = await this.value(items, { ...one, depth: context.depth + 1 });
        if (value !== undefined && value !== null && !values.some((v) => JSON.stringify(v) === JSON.stringify(value))) {
          values.push(value);
        }
      }
    } else {
      const property = this.propertyWords(schema, context);
      values = [...new Set(ranked.flatMap((index) => extractValues(context.memories[index], property)))];
    }
    values = values.slice(0, max);
    return values.length > 0 ? values : undefined;
  }

  private async string(schema: Schema, context: Context): Promise<string | undefined> {
    const format = typeof schema.format === 'string' ? FORMATS[schema.format] : undefined;
    let text: string | undefined;
    if (format) {
      // A memory stating an address or a date at all is the one to read it from.
      const order = [...(await this.ranked(schema, context)), ...context.memories.keys()];
      text = order.map((index) => format.exec(context.memories[index])?.[0]).find((match) => match !== undefined);
    } else {
      const index = await this.newestOfBest(schema, context);
      text =
        index === undefined ? undefined : extractValue(context.memories[index], this.propertyWords(schema, context));
    }
    const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : undefined;
    return text !== undefined && maxLength !== undefined ? text.slice(0, maxLength) : text;
  }

  private async number(schema: Schema, type: string, context: Context): Promise<number | undefined> {
    for (const index of await this.ranked(schema, context)) {
      for (const match of context.memories[index].match(NUMBER) ?? []) {
        const value = Number(match.replace(/,/g, ''));
        if (type === 'integer' && !Number.isInteger(value)) continue;
        if (typeof schema.minimum === 'number' && value < schema.minimum) continue;
        if (typeof schema.maximum === 'number' && value > schema.maximum) continue;
        return value;
      }
    }
    return undefined;
  }

  /** Only a memory naming every content word of the property states it; a negated one states false. */
  private async boolean(schema: Schema, context: Context): Promise<boolean | undefined> {
    const words = contentStems(context.path.at(-1)?.replace(/_/g, ' ') ?? '').filter((w) => !/^(?:is|has)$/.test(w));
    for (const index of await this.ranked(schema, context)) {
      const own = new Set(contentStems(context.memories[index]));
      if (words.length > 0 && words.every((word) => own.has(word))) {
        return !NEGATION.test(tokenize(context.memories[index]).join(' '));
      }
    }
    return undefined;
  }

  /** The enum value the most relevant memories mention (by its words); none mentioned: undefined. */
  private async choice(schema: Schema, context: Context): Promise<unknown> {
    const ranked = await this.ranked(schema, context);
    for (const index of [...ranked, ...context.memories.keys()]) {
      const [hit] = this.named(schema, context.memories[index]);
      if (hit !== undefined) return hit;
    }
    return undefined;
  }

  /** The enum options a memory names: all of an option's words appear in it. */
  private named(schema: Schema, memory: string): unknown[] {
    const own = new Set(contentStems(memory));
    return (schema.enum as unknown[]).filter((option) => {
      const words = contentStems(String(option));
      return words.length > 0 && words.every((word) => own.has(word));
    });
  }

  /** Indexes of the memories relevant enough to fill this property, best first. */
  private async ranked(schema: Schema, context: Context): Promise<number[]> {
    return (await this.scored(schema, context)).map(({ index }) => index);
  }

  private async scored(schema: Schema, context: Context): Promise<{ index: number; score: number }[]> {
    if (context.memories.length === 0) return [];
    const scores = await this.relevance(this.query(schema, context), context.memories);
    return scores
      .map((score, index) => ({ score, index }))
      .filter(({ score }) => score >= context.threshold)
      .sort((a, b) => b.score - a.score || a.index - b.index);
  }

  /** Memories are newest first: among the (near-)best matches the lowest index is the latest state. */
  private async newestOfBest(schema: Schema, context: Context): Promise<number | undefined> {
    const scored = await this.scored(schema, context);
    if (scored.length === 0) return undefined;
    return Math.min(...scored.filter(({ score }) => score >= TIE_RATIO * scored[0].score).map(({ index }) => index));
  }

  private propertyWords(schema: Schema, context: Context): string[] {
    return propertyStems((context.path.at(-1) ?? '').replace(/[_-]+/g, ' '), schema.title);
  }

  private query(schema: Schema, context: Context): string {
    const words = context.path.slice(-2).map((name) => name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' '));
    for (const key of ['title', 'description']) {
      if (typeof schema[key] === 'string') words.push(schema[key] as string);
    }
    return words.join(' ');
  }

  /** Follows local $refs, merges a lone allOf, and reads `type`, `anyOf`/`oneOf` for nullability. */
  private shape(raw: Schema, hops = 0): Shape {
    let schema = raw;
    if (typeof schema.$ref === 'string' && hops < MAX_DEPTH) {
      const target = this.resolve(schema.$ref);
      const { $ref: _ignored, ...rest } = schema;
      schema = { ...(target ?? {}), ...rest };
    }
    if (Array.isArray(schema.allOf) && schema.allOf.length === 1 && isObject(schema.allOf[0])) {
      const { allOf: _ignored, ...rest } = schema;
      return this.shape({ ...(schema.allOf[0] as Schema), ...rest }, hops + 1);
    }
    const branches = (Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : [])
      .filter(isObject)
      .map((branch) => this.shape(branch, hops + 1));
    if (branches.length > 0) {
      const chosen = branches.find((branch) => branch.type !== 'null') ?? branches[0];
      const { anyOf: _a, oneOf: _o, ...rest } = schema;
      return {
        schema: { ...chosen.schema, ...rest },
        type: chosen.type,
        nullable: branches.some((branch) => branch.type === 'null' || branch.nullable),
      };
    }
    const types = Array.isArray(schema.type)
      ? schema.type.map(String)
      : typeof schema.type === 'string'
        ? [schema.type]
        : [];
    const type =
      types.find((t) => t !== 'null') ??
      (types.includes('null') ? 'null' : isObject(schema.properties) ? 'object' : schema.items ? 'array' : null);
    return { schema, type, nullable: types.includes('null') || schema.nullable === true };
  }

  private resolve(ref: string): Schema | null {
    if (!ref.startsWith('#')) return null;
    let node: unknown = this.root;
    for (const part of ref.slice(1).split('/').filter(Boolean)) {
      if (!isObject(node)) return null;
      node = node[decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~')];
    }
    return isObject(node) ? node : null;
  }
}
