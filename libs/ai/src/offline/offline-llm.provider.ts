import {
  CategorizeRequest,
  Category,
  DEFAULT_CATEGORIES,
  Embedder,
  ExtractionRequest,
  ExtractionResult,
  LifecycleDecision,
  LifecycleRequest,
  LlmProvider,
  RerankRequest,
  SchemaFillRequest,
  SimilarMemory,
  SummaryRequest,
  SynthesisRequest,
  SynthesizedPattern,
  UpdateDecision,
  UpdateRequest,
} from '../ai.types';
import { extractFacts } from './fact-extractor';
import { RecentVectors } from './recent-vectors';
import { judgeOffline } from './lifecycle-rules';
import { synthesizeOffline } from './offline-synthesis';
import { conceptsOf, dot, stem, STOP_WORDS, tokenize } from './hash-embedder';
import { summarizeOffline } from './offline-summary';
import { embedderRelevance, fillSchemaOffline } from './schema-filler';

/*
 * Thresholds, tuned on the hash embedder (hash-v1-384); all similarities are recomputed with
 * this provider's embedder so they do not depend on the one that stored the memories.
 * Reference points: "Likes coffee"/"Does not like coffee" 0.81, "Lives in Paris"/"Lives in Berlin" 0.62,
 * "Prefers dark mode"/"Prefers light mode" 0.69, "Prefers tea"/"Prefers dark mode" 0.53, unrelated < 0.1.
 */
/** At or above: the same memory reworded (after the negation check). */
export const NOOP_SIMILARITY = 0.95;
/** A single-valued attribute ("Lives in", "Favourite color is") with another value replaces the memory. */
export const REPLACE_SIMILARITY = 0.3;
/** "Prefers X" replaces "Prefers Y" only when X and Y are about the same thing (dark/light mode, not tea/dark mode). */
export const PREFERENCE_SIMILARITY = 0.6;
/** Two values of a multi-valued predicate ("Is allergic to peanuts" + "shellfish") are merged into one memory. */
export const MERGE_SIMILARITY = 0.45;
/** Categories scoring at least this (cosine to "name: description" + keyword bonus) are kept. */
export const CATEGORY_THRESHOLD = 0.3;
/** A second category is kept when it scores at least this share of the first. */
export const SECOND_CATEGORY_RATIO = 0.7;
const KEYWORD_BONUS = 0.35;
const MAX_MERGED_LENGTH = 120;

/* Keywords per default category; stems of a catalog entry's own name and description are added to them. */
const CATEGORY_KEYWORDS: Record<string, string> = {
  personal_details:
    'name age old birthday born live lives living hometown nationality citizen pronouns address email ' +
    'phone grew raised originally identity years',
  family:
    'wife husband partner spouse son daughter kid kids child children baby mom mother mum dad father ' +
    'parent parents brother sister sibling grandma grandmother grandpa grandfather aunt uncle cousin ' +
    'niece nephew family dog cat pet puppy kitten rabbit hamster parrot fiance fiancee girlfriend ' +
    'boyfriend',
  professional_details:
    'work works job career company employer office boss manager colleague coworker engineer developer ' +
    'nurse doctor teacher lawyer designer architect accountant promoted promotion salary hired project ' +
    'client meeting business startup profession role intern freelance shift',
  sports:
    'sport sports football soccer basketball tennis golf run running runs marathon gym workout exercise ' +
    'yoga swim swims swimming cycling ski skiing match league fitness training climbing bouldering ' +
    'triathlon pickleball team fc nba nfl formula racing coach',
  travel:
    'travel trip trips vacation holiday flight flights fly flying airline hotel visit visited passport ' +
    'airport abroad tour destination honeymoon backpacking cruise beach layover',
  food:
    'food eat eats meal dish cuisine cook cooks cooking recipe restaurant dinner lunch breakfast ' +
    'vegetarian vegan meat pork pizza pasta sushi chocolate coffee tea wine beer drink drinks bake baking ' +
    'spicy dessert fruit vegetables tacos risotto milk',
  music:
    'music song songs band artist album concert guitar piano violin drums sing singer jazz rock playlist ' +
    'listen listens spotify',
  health:
    'health healthy allergic allergy allergies medical medication medicine doctor hospital diabetes ' +
    'asthma sleep sleeps insomnia surgery therapy therapist pain migraine migraines sick illness blood ' +
    'pressure weight lactose intolerant gluten symptoms injury vitamin anxiety depression mental dentist ' +
    'pregnant smoking diet',
  technology:
    'software programming code codes coding computer laptop phone app apps python javascript typescript ' +
    'rust linux mac macbook android iphone tech gadget developer keyboard vim',
  hobbies:
    'hobby hobbies hiking hike reading read reads books painting paints drawing gardening garden ' +
    'photography knitting knits gaming chess fishing camping crafts pottery collect collects collecting ' +
    'lego puzzles birdwatching woodworking',
  fashion:
    'clothes clothing wear wears fashion style dress shirt shoes shoe sneakers jacket jackets jeans brand ' +
    'size outfit jewelry accessories',
  entertainment:
    'movie movies film films tv show shows series netflix book books novel podcast podcasts game games ' +
    'anime celebrity theater watching watch watches rewatching binge',
  milestones:
    'graduated graduation graduate wedding married engaged birth promoted promotion retired moved bought ' +
    'anniversary achievement award first phd degree',
  user_preferences:
    'prefer prefers preference preferences like likes love loves enjoy enjoys dislike dislikes hate hates ' +
    'favorite favourite want wants wish rather mode answers responses reminders',
};
/* Liking something says more about the thing than about preferences: the preference bucket counts for less. */
const CATEGORY_WEIGHT: Record<string, number> = { user_preferences: 0.6 };
const GENERIC_TOPIC_WORDS = new Set(
  (
    'preference preferences info information detail details data fact facts thing things stuff topic topics ' +
    'related anything everything'
  ).split(' '),
);
/** Predicates with one value at a time: a new value replaces the memory instead of joining it. */
const SINGLE_VALUED = new RegExp(
  '^(?:lives? (?:in|at|on|near)|works? (?:at|for|as|in)|is based in|is from|was born (?:in|on)|is married to|' +
    'is engaged to|is dating|drives|is (?:currently )?(?:working|living) (?:at|in|as)|is \\d+ years? old)\\b',
);
const NEGATION = new RegExp(
  '\\b(?:not|never|no longer|dislikes?|hates?|detests?|dont|doesnt|didnt|cant|cannot|isnt|wasnt|wont|havent|' +
    'hasnt|arent|werent|wouldnt|couldnt|shouldnt)\\b',
);

export class OfflineLlmProvider implements LlmProvider {
  readonly name = 'offline';
  readonly local = true;
  private readonly catalogCache = new Map<string, { profiles: Profile[]; vectors: number[][] }>();
  private readonly embedder: Embedder;

  constructor(embedder: Embedder) {
    this.embedder = new RecentVectors(embedder);
  }

  /** Rule-based extraction; a custom extraction prompt needs a real LLM and is ignored here. */
  async extractFacts(request: ExtractionRequest): Promise<ExtractionResult> {
    const facts = await extractFacts(request, { topicScore: (fact, topic) => this.topicScore(fact, topic) });
    return { facts, usage: { llmCalls: 0, inputTokens: 0, outputTokens: 0 } };
  }

  async decideUpdate(request: UpdateRequest): Promise<UpdateDecision> {
    const fact = request.fact.trim();
    if (request.similar.length === 0) return { event: 'ADD', text: fact };
    const vectors = await this.embedder.embed([fact, ...request.similar.map((m) => m.text || ' ')]);
    const candidates = request.similar
      .map((memory, i) => ({ memory, similarity: dot(vectors[0], vectors[i + 1]) }))
      .sort((a, b) => b.similarity - a.similarity);
    const mine = analyse(fact);
    for (const { memory, similarity } of candidates) {
      const decision = decideAgainst(fact, mine, memory, similarity);
      if (decision) return decision;
    }
    return { event: 'ADD', text: fact };
  }

  async categorize(request: CategorizeRequest): Promise<string[]> {
    const categories = request.categories.filter((c) => c.name.trim());
    if (categories.length === 0) return [];
    const { profiles, vectors } = await this.catalog(categories);
    const [vector] = await this.embedder.embed([request.text.trim() || ' ']);
    const words = [...new Set(contentWords(request.text.replace(LINK_WORDS, ' ')))];
    const scored = categories
      .map((category, i) => {
        let hits = 0;
        for (const word of words) if (matchesProfile(word, profiles[i])) hits++;
        const weight = CATEGORY_WEIGHT[category.name.trim().toLowerCase()] ?? 1;
        return { name: category.name, score: weight * (dot(vector, vectors[i]) + KEYWORD_BONUS * Math.min(hits, 2)) };
      })
      .filter((c) => !isMisc(c.name))
      .sort((a, b) => b.score - a.score);
    const chosen = scored.filter(
      (c, i) =>
        c.score >= CATEGORY_THRESHOLD && i < 2 && (i === 0 || c.score >= scored[0].score * SECOND_CATEGORY_RATIO),
    );
    if (chosen.length > 0) return chosen.map((c) => c.name);
    // A memory like none of the categories is filed under the catalog's catch-all, or under nothing.
    const misc = categories.find((c) => isMisc(c.name));
    return misc ? [misc.name] : [];
  }

  /** No reranker offline: the search keeps its vector order. */
  async rerank(_request: RerankRequest): Promise<null> {
    return null;
  }

  /** Extractive and deterministic, grouped by the default categories (see offline-summary.ts). */
  async summarize(request: SummaryRequest): Promise<string> {
    // A topic reads better than "Preferences" when a memory has both ("Loves ramen": food and preferences).
    return summarizeOffline(request, async (text) => {
      const names = await this.categorize({ text, categories: DEFAULT_CATEGORIES });
      return names.find((name) => name !== 'user_preferences') ?? names[0];
    });
  }

  /** Extractive and deterministic (see schema-filler.ts); instructions need a real LLM and are ignored. */
  async fillSchema(request: SchemaFillRequest): Promise<Record<string, unknown>> {
    const memories = request.memories.map((memory) => memory.trim()).filter(Boolean);
    return fillSchemaOffline(request.schema, memories, embedderRelevance(this.embedder));
  }

  /** Slot rules and the restatement test (see lifecycle-rules.ts), on this provider's own similarities. */
  async judgeLifecycle(request: LifecycleRequest): Promise<LifecycleDecision[]> {
    const facts = await Promise.all(
      request.facts.map(async (fact) => {
        if (fact.candidates.length === 0) return fact;
        const vectors = await this.embedder.embed([fact.text || ' ', ...fact.candidates.map((c) => c.text || ' ')]);
        const candidates = fact.candidates.map((c, i) => ({ ...c, similarity: dot(vectors[0], vectors[i + 1]) }));
        return { ...fact, candidates };
      }),
    );
    return judgeOffline({ facts });
  }

  /** Grouping by category with a template (see offline-synthesis.ts). */
  async synthesize(request: SynthesisRequest): Promise<SynthesizedPattern[]> {
    return synthesizeOffline(request);
  }

  /** Includes/excludes matching: shared words, a shared category, or embedding similarity. */
  private async topicScore(fact: string, topic: string): Promise<number> {
    const topicWords = contentStems(topic);
    const specific = topicWords.filter((w) => !GENERIC_TOPIC_WORDS.has(w));
    const factWords = new Set(contentStems(fact));
    if ((specific.length ? specific : topicWords).some((w) => factWords.has(w))) return 1;
    const topicCategories = defaultCategoriesOf(topicWords, true);
    const factCategories = defaultCategoriesOf([...factWords], false);
    if (topicCategories.some((c) => factCategories.includes(c))) return 1;
    const [a, b] = await this.embedder.embed([fact, topic]);
    return dot(a, b);
  }

  private async catalog(categories: Category[]): Promise<{ profiles: Profile[]; vectors: number[][] }> {
    const key = JSON.stringify(categories.map((c) => [c.name, c.description]));
    const cached = this.catalogCache.get(key);
    if (cached) return cached;
    const profiles = categories.map((c): Profile => {
      const own = contentWords(`${c.name.replace(/[_-]+/g, ' ')} ${c.description}`);
      const builtIn = CATEGORY_KEYWORDS[c.name.trim().toLowerCase()];
      const words = [...own, ...contentWords(builtIn ?? '')];
      return {
        stems: new Set(words.map(stem)),
        // Custom categories lean on concept groups ("pets" ~ "cats"); built-in ones spell their words out.
        concepts: new Set(builtIn ? [] : own.flatMap((w) => conceptsOf(stem(w)))),
        prefixes: new Set(words.filter((w) => w.length >= PREFIX).map((w) => w.slice(0, PREFIX))),
      };
    });
    const vectors = await this.embedder.embed(
      categories.map((c) => `${c.name.replace(/[_-]+/g, ' ')}: ${c.description}`),
    );
    if (this.catalogCache.size >= 32) this.catalogCache.delete(this.catalogCache.keys().next().value as string);
    const entry = { profiles, vectors };
    this.catalogCache.set(key, entry);
    return entry;
  }
}

/** What a category is about: the stems of its name, description and built-in keywords, and their concepts. */
interface Profile {
  stems: Set<string>;
  concepts: Set<string>;
  prefixes: Set<string>;
}
const PREFIX = 6;

/* "named"/"called" link a name to its owner and say nothing about the topic. */
const LINK_WORDS = /\b(?:named|called)\b/gi;

/** A shared stem, a shared 6-letter prefix ("deploys"/"deployments") or a shared concept ("cats"/"pets"). */
function matchesProfile(word: string, profile: Profile): boolean {
  const stemmed = stem(word);
  return (
    profile.stems.has(stemmed) ||
    conceptsOf(stemmed).some((c) => profile.concepts.has(c)) ||
    (word.length >= PREFIX && profile.prefixes.has(word.slice(0, PREFIX)))
  );
}

interface Analysis {
  normalised: string;
  negative: boolean;
  words: Set<string>;
  /** "favourite color" in "Favourite color is blue": the attribute a copula fact sets. */
  subject: string | null;
  predicate: string;
}

function analyse(text: string): Analysis {
  const normalised = tokenize(text).join(' ');
  const canonical = normalised
    .replace(/\b(?:dislikes?|hates?|detests?|cant stand)\b/g, 'not like')
    .replace(/\b(?:loves?|enjoys?|adores?)\b/g, 'likes')
    .replace(/\b(?:does|did|do|is|was) not (\w+)/g, 'not $1');
  const negative = NEGATION.test(canonical);
  const words = new Set(contentStems(canonical).filter((w) => !/^(?:not|never|longer|anymor)$/.test(w)));
  const copula = /^(?!is |was |has |are )(.+?) (?:is|are|was|were) /.exec(normalised);
  const lead = /^(?:(?:is|was|has|not) )?(?:\w+ )?(?:in|at|for|as|to|on|from|with|of|near|by)\b|^(?:not )?\w+/.exec(
    canonical,
  );
  return {
    normalised,
    negative,
    words,
    subject: copula ? contentStems(copula[1]).join(' ') : null,
    predicate: copula ? copula[1] : (lead?.[0] ?? canonical),
  };
}

function decideAgainst(fact: string, mine: Analysis, memory: SimilarMemory, similarity: number): UpdateDecision | null {
  const theirs = analyse(memory.text);
  if (mine.normalised === theirs.normalised) return { event: 'NOOP', id: memory.id };
  if (mine.words.size === 0 || theirs.words.size === 0) {
    return similarity >= NOOP_SIMILARITY ? { event: 'NOOP', id: memory.id } : null;
  }
  if (mine.negative !== theirs.negative && (isSubset(mine.words, theirs.words) || isSubset(theirs.words, mine.words))) {
    return { event: 'UPDATE', id: memory.id, text: fact };
  }
  if (mine.negative === theirs.negative) {
    if (isSubset(mine.words, theirs.words)) return { event: 'NOOP', id: memory.id };
    if (isSubset(theirs.words, mine.words) && similarity >= MERGE_SIMILARITY) {
      return { event: 'UPDATE', id: memory.id, text: fact };
    }
  }
  if (similarity >= NOOP_SIMILARITY && mine.negative === theirs.negative) return { event: 'NOOP', id: memory.id };
  if (mine.negative !== theirs.negative) return null;

  if (mine.subject && mine.subject === theirs.subject && similarity >= REPLACE_SIMILARITY) {
    return { event: 'UPDATE', id: memory.id, text: fact };
  }
  if (mine.subject || theirs.subject || mine.predicate !== theirs.predicate) return null;
  if (SINGLE_VALUED.test(mine.normalised) && similarity >= REPLACE_SIMILARITY) {
    return { event: 'UPDATE', id: memory.id, text: fact };
  }
  if (/^prefers?\b/.test(mine.predicate)) {
    return similarity >= PREFERENCE_SIMILARITY ? { event: 'UPDATE', id: memory.id, text: fact } : null;
  }
  // A bare "has"/"is" says too little about the subject to merge ("Has two cats" + "Has a meeting").
  const mergeable = contentStems(mine.predicate).some((w) => !/^(?:ha|has|is|was|doe|does)$/.test(w));
  if (mergeable && similarity >= MERGE_SIMILARITY) {
    const merged = mergeValues(memory.text, fact);
    if (merged) return { event: 'UPDATE', id: memory.id, text: merged };
  }
  return null;
}

/** "Is allergic to peanuts" + "Is allergic to shellfish" -> "Is allergic to peanuts and shellfish". */
function mergeValues(memory: string, fact: string): string | null {
  const a = memory
    .trim()
    .replace(/[.!]+$/, '')
    .split(/\s+/);
  const b = fact
    .trim()
    .replace(/[.!]+$/, '')
    .split(/\s+/);
  let shared = 0;
  while (shared < a.length && shared < b.length && a[shared].toLowerCase() === b[shared].toLowerCase()) shared++;
  if (shared === 0 || shared === a.length || shared === b.length) return null;
  const existing = a.slice(shared).join(' ');
  const added = b.slice(shared).join(' ');
  const merged = `${a.slice(0, shared).join(' ')} ${existing.replace(/ and (?!.* and )/, ', ')} and ${added}`;
  return merged.length <= MAX_MERGED_LENGTH ? merged : null;
}

/* Liking something is no topic of its own when matching includes/excludes. */
const DEFAULT_KEYWORD_STEMS = Object.entries(CATEGORY_KEYWORDS)
  .filter(([name]) => name !== 'user_preferences')
  .map(([name, keywords]) => [name, new Set(contentStems(keywords))] as const);

/** Default categories a list of stems points to; a topic may also name the category itself ("health"). */
function defaultCategoriesOf(words: string[], byName: boolean): string[] {
  const found: string[] = [];
  for (const [name, stems] of DEFAULT_KEYWORD_STEMS) {
    const named = byName && contentStems(name.replace(/_/g, ' ')).some((w) => words.includes(w) && w !== 'detail');
    if (named || words.some((w) => stems.has(w))) found.push(name);
  }
  return found;
}

function contentStems(text: string): string[] {
  return tokenize(text)
    .filter((w) => !STOP_WORDS.has(w) || w === 'not' || w === 'never')
    .map(stem);
}

function contentWords(text: string): string[] {
  return tokenize(text).filter((w) => !STOP_WORDS.has(w));
}

function isMisc(name: string): boolean {
  return /^(?:misc|miscellaneous|other|others|general)$/i.test(name.trim());
}

function isSubset(a: Set<string>, b: Set<string>): boolean {
  for (const w of a) if (!b.has(w)) return false;
  return true;
}
