import { stem, STOP_WORDS } from '@app/ai';
import { wordFrequencies } from './word-frequencies';

export type EntityKind = 'person' | 'place' | 'organization' | 'product' | 'phrase';

export interface EntityMention {
  /** Lower-cased, stemmed words: what a query's words are matched against. */
  key: string;
  /** As first written. */
  name: string;
  kind: EntityKind;
  /** 1 for the name a text opens with (what it is about), MENTION_SALIENCE for the others. */
  salience: number;
}

export const MENTION_SALIENCE = 0.25;

const MAX_PHRASES = 8;
/** Words this frequent (per million subtitle words) are too common to make a key phrase on their own. */
const COMMON_PER_MILLION = 200;
const PLACE_CUES = new Set(['in', 'at', 'to', 'from', 'near', 'visited', 'visit', 'visiting', 'around', 'across']);
const ORG_WORDS = new Set(
  (
    'inc corp corporation company co ltd llc university college school academy institute bank hospital clinic ' +
    'center centre foundation association agency group club church museum studio studios labs team'
  ).split(' '),
);
const CONNECTORS = new Set(['of', 'de', 'la', 'del', 'von', 'van', 'the', 'and', '&']);
/** Capitalised only because they open a sentence or a turn. */
const OPENERS = new Set(
  (
    'hey hi hello thanks thank yeah yes yep no nope wow oh ok okay sure well so great cool awesome nice congrats ' +
    'congratulations sorry please aw aww haha lol hmm right absolutely definitely totally exactly anyway also ' +
    'good glad happy love lots last next today yesterday tomorrow tonight'
  ).split(' '),
);

/** Words that make no key phrase: times, amounts and verbs of saying or feeling. */
const LIGHT_WORDS = new Set(
  (
    'yesterday today tomorrow tonight week weeks weekend month months year years time times day days night ' +
    'morning evening ago lately recently soon later thing things stuff lot lots kind sort bit way ways ' +
    'feel feels felt think thought know knew say said seems seem looks look make made get got going '
  ).split(' '),
);

const TOKEN = /[\p{L}\p{N}][\p{L}\p{N}'’&.-]*[\p{L}\p{N}]|[\p{L}\p{N}]|[.!?:;\n]/gu;

interface Token {
  text: string;
  lower: string;
  /** First word of a sentence, a turn ("Name: ...") or the text. */
  initial: boolean;
}

function tokens(text: string): Token[] {
  const out: Token[] = [];
  let initial = true;
  for (const match of text.matchAll(TOKEN)) {
    const raw = match[0];
    if (/^[.!?:;\n]$/.test(raw)) {
      initial = true;
      continue;
    }
    const clean = raw.replace(/['’]s$/u, '').replace(/\.$/, '');
    out.push({ text: clean, lower: clean.toLowerCase(), initial });
    initial = false;
  }
  return out;
}

const isCapitalised = (word: string) => /^\p{Lu}/u.test(word);
const isAcronym = (word: string) => word.length >= 2 && /^[\p{Lu}\p{N}+&-]+$/u.test(word) && /\p{Lu}/u.test(word);

/** Whether a capitalised word names something (not just a capitalised common word). */
function isProperWord(token: Token): boolean {
  if (!isCapitalised(token.text) || token.lower === 'i' || STOP_WORDS.has(token.lower)) return false;
  if (isAcronym(token.text)) return true;
  if (!token.initial) return true;
  // A sentence opener counts when the language writes it capitalised (names, places, brands) or does not
  // know it as a word at all (most names).
  const frequencies = wordFrequencies();
  return (
    !OPENERS.has(token.lower) &&
    (frequencies.capitalised.has(token.lower) || (token.lower.length > 2 && frequencies.perMillion(token.lower) === 0))
  );
}

/** The stemmed key of a phrase: how both memories and queries are matched. */
export function entityKey(words: string[]): string {
  return words
    .map((word) => word.toLowerCase().replace(/['’]/g, ''))
    .filter((word) => !STOP_WORDS.has(word) && word !== '&')
    .map(stem)
    .join(' ');
}

function kindOf(words: string[], before: Token | undefined): EntityKind {
  if (words.some((word) => ORG_WORDS.has(word.toLowerCase()))) return 'organization';
  if (words.some((word) => /\d/.test(word)) || (words.length === 1 && isAcronym(words[0]))) return 'product';
  if (before && PLACE_CUES.has(before.lower)) return 'place';
  return 'person';
}

/**
 * Names (runs of capitalised words, "Bank of America", acronyms) and key phrases (two adjacent content
 * words, at least one of them uncommon: "pottery class", "adoption agency") that a text mentions.
 */
export function extractEntities(text: string): EntityMention[] {
  const list = tokens(text);
  const found = new Map<string, EntityMention>();
  const add = (words: string[], kind: EntityKind, salience = MENTION_SALIENCE) => {
    const key = entityKey(words);
    const known = found.get(key);
    if (key && !known) found.set(key, { key, name: words.join(' '), kind, salience });
    else if (known) known.salience = Math.max(known.salience, salience);
  };
  for (let i = 0; i < list.length; i++) {
    if (!isProperWord(list[i])) continue;
    let end = i + 1;
    // A name runs on over capitalised words and connectors ("Bank of America"), never across punctuation.
    const joins = (token: Token | undefined) => token !== undefined && !token.initial && isProperWord(token);
    while (end < list.length) {
      if (joins(list[end])) end++;
      else if (CONNECTORS.has(list[end].lower) && !list[end].initial && joins(list[end + 1])) end += 2;
      else break;
    }
    const words = list.slice(i, end).map((token) => token.text);
    add(words, kindOf(words, list[i - 1]), i === 0 ? 1 : MENTION_SALIENCE);
    i = end - 1;
  }
  const frequencies = wordFrequencies();
  let phrases = 0;
  for (let i = 0; i + 1 < list.length && phrases < MAX_PHRASES; i++) {
    const [a, b] = [list[i], list[i + 1]];
    const content = (token: Token) =>
      token.lower.length > 2 &&
      /^\p{Ll}+$/u.test(token.text) &&
      !STOP_WORDS.has(token.lower) &&
      !LIGHT_WORDS.has(token.lower) &&
      !token.lower.endsWith('ly');
    if (!content(a) || !content(b) || b.initial) continue;
    if (frequencies.perMillion(a.lower) < COMMON_PER_MILLION || frequencies.perMillion(b.lower) < COMMON_PER_MILLION) {
      add([a.text, b.text], 'phrase');
      phrases++;
    }
  }
  return [...found.values()];
}

/**
 * The keys a query could name: each content word and each run of two or three words, stemmed, for exact
 * lookup among the entities stored in scope (so "caroline" typed in lower case still finds Caroline).
 */
export function queryEntityKeys(query: string): string[] {
  const words = tokens(query)
    .map((token) => token.lower)
    .filter((word) => !STOP_WORDS.has(word));
  const keys = new Set<string>();
  for (let n = 1; n <= 3; n++) {
    for (let i = 0; i + n <= words.length; i++) keys.add(entityKey(words.slice(i, i + n)));
  }
  return [...keys].filter(Boolean);
}

/**
 * What a memory's vector is computed from: a transcript line ("Caroline: I went ...") without its
 * speaker label, so similarity reflects what was said; who said it stays an entity link of the memory.
 * Labels that are ordinary words ("Note: ...") stay part of the text.
 */
export function embeddingText(text: string): string {
  const match = /^\s*(\p{Lu}[\p{L}'’.-]*(?:\s\p{Lu}[\p{L}'’.-]*)?):\s+(?=\S)/u.exec(text);
  if (!match) return text;
  const words = match[1].split(/\s/);
  const named = words.every((word, index) =>
    isProperWord({ text: word, lower: word.toLowerCase(), initial: index === 0 }),
  );
  return named ? text.slice(match[0].length) : text;
}
