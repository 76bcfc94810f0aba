import type { Embedder } from '../ai.types';

/*
 * Weights of the feature families, tuned on bench/offline-embedders (recall@k on paraphrased
 * queries). Whole words carry the meaning, character n-grams absorb morphology and typos, and
 * concept features give paraphrases ("pets" vs "cats") something to share.
 */
const WORD_WEIGHT = 1;
const STOP_WORD_WEIGHT = 0.15;
const LOW_INFO_WEIGHT = 0.5;
const NEGATION_WEIGHT = 1.5;
const BIGRAM_WEIGHT = 0.5;
const CHAR_WEIGHT = 0.6;
const CONCEPT_WEIGHT = 1;
const MIN_CHAR_GRAM = 3;
const MAX_CHAR_GRAM = 5;
const PROBES = 3;

// Bound once: looking up the global Math on every call is very slow inside jest's sandboxed globals.
const { imul, max, sqrt } = Math;

const SEED_WORD = 0x811c9dc5;
const SEED_BIGRAM = 0x1b873593;
const SEED_CHAR = 0x85ebca6b;
const SEED_CONCEPT = 0xc2b2ae35;
const SEED_FALLBACK = 0x27d4eb2f;

export const STOP_WORDS = new Set(
  (
    'a an the and or but if then than so as of at by for with about against between into through during before ' +
    'after above below to from up down in out on off over under again further once here there when where why how ' +
    'all any both each few more most other some such nor only own same too very s t can will just should now ' +
    'i me my myself we our ours ourselves you your yours yourself he him his himself she her hers herself it its ' +
    'itself they them their theirs themselves what which who whom whose this that these those am is are was were ' +
    'be been being have has had having do does did doing would could might must shall may ll d m re ve let lets ' +
    'also really actually just please get got gets user users not no never dont doesnt didnt cant cannot wont ' +
    'isnt wasnt'
  ).split(' '),
);

const NEGATIONS = new Set(['not', 'no', 'never', 'dont', 'doesnt', 'didnt', 'cant', 'cannot', 'wont', 'isnt', 'wasnt']);

/** Frequent words that carry little of a memory's topic: numbers, time units, light verbs. */
const LOW_INFO_WORDS = new Set(
  (
    'one two three four five six seven eight nine ten first second third every each many much lot lots ' +
    'time times day days week weeks month months year years go goes went going take takes took make makes made ' +
    'use uses used want wants usually often always sometimes still new old good great'
  ).split(' '),
);

/*
 * Small concept groups for a personal assistant's domains: a word shares one extra feature with
 * the other words of its group. Kept broad and generic on purpose (no tuning to single queries).
 */
const CONCEPTS: string[] = [
  'pet pets cat cats kitten dog dogs puppy hamster parrot rabbit bunny goldfish animal animals vet retriever breed',
  'family wife husband partner spouse son daughter kid kids child children mom mother mum dad father parent ' +
    'parents brother sister sibling siblings grandma grandmother grandpa grandfather aunt uncle cousin niece ' +
    'nephew baby fiance fiancee girlfriend boyfriend relatives',
  'pregnant pregnancy expecting baby due newborn',
  'job work works career employer company office boss manager supervisor colleague coworker engineer developer ' +
    'nurse doctor teacher lawyer accountant designer profession occupation role position hired promoted ' +
    'promotion startup employed business career',
  'live lives home house apartment flat city town neighborhood moved move address reside resides based hometown',
  'grew raised childhood hometown originally native',
  'food eat eats eating meal meals dish dishes cuisine cook cooking cooks recipe restaurant dinner lunch ' +
    'breakfast vegetarian vegan meat pork beef chicken seafood dessert snack diet pizza pasta bread rice soup ' +
    'salad sushi burger noodles cheese chocolate cake baking bake',
  'drink drinks coffee tea beer wine juice soda latte espresso beverage',
  'dairy milk cheese lactose yogurt butter cream',
  'health allergy allergic allergies medical medication medicine condition chronic diabetes asthma sick illness ' +
    'disease pain headache injury symptoms diagnosis prescription migraine intolerant intolerance',
  'surgery operation operated hospital procedure',
  'mental therapist therapy anxiety depression stress meditation meditates meditate mindfulness counselling',
  'eye eyes eyesight vision glasses blind lenses optician',
  'sleep sleeps sleeping insomnia bedtime nap tired wake wakes awake',
  'sport sports exercise workout gym run running runs jog jogging marathon fitness yoga swim swimming cycling ' +
    'football soccer basketball tennis team training athlete',
  'climb climbing climbs bouldering boulder',
  'motorsport racing formula nascar',
  'travel trip trips vacation holiday holidays flight flights fly flying flyer airline airlines hotel visit ' +
    'visited abroad destination tour journey passport airport honeymoon backpacking',
  'music song songs band bands artist album concert guitar piano violin instrument sing singing playlist jazz',
  'book books read reads reading novel novels author library',
  'movie movies film films tv show shows series watch watching netflix cinema',
  'game games gaming gamer videogame console playstation xbox nintendo chess',
  'art arts artistic paint painting paints drawing draw sketch watercolor pottery ceramics sculpture',
  'language languages speak speaks spoken fluent spanish french german english japanese chinese italian portuguese',
  'school university college degree study studies studying student graduate graduated phd class course',
  'computer laptop phone software app apps programming code codes coding python javascript typescript linux ' +
    'macbook android iphone gadget tech',
  'birthday born birth age old anniversary',
  'died dead death passed alive funeral widow',
  'name named called nickname',
  'like likes love loves enjoy enjoys fan favorite favourite prefer prefers adore',
  'dislike dislikes hate hates avoid avoids',
  'money budget salary savings saving save invest investment bank pay paid earn earns income mortgage finance',
  'car cars drive drives driving vehicle commute commutes bus train bike',
  'clothes clothing wear wears shirt shoe shoes sneakers dress jacket style fashion outfit outfits',
  'hobby hobbies pastime hiking hike gardening knitting chess fishing camping crafts collect collects collecting',
  'married marry wedding engaged divorce divorced relationship dating',
  'email phone contact address reach call',
  'notification notifications notify ping alert alerts reminder reminders remind',
  'answer answers reply replies response responses',
  'afraid scared scary fear fears phobia horror',
  'charity volunteer volunteers volunteering donate donates donation nonprofit',
  'weekend weekends saturday saturdays sunday sundays',
];

const CONCEPT_INDEX = buildConceptIndex();

/**
 * A zero-dependency lexical embedder: signed feature hashing of word stems, stem bigrams,
 * character n-grams and concept groups, L2-normalised. Deterministic across runs and machines.
 */
export class HashEmbedder implements Embedder {
  readonly id: string;

  constructor(readonly dimensions = 384) {
    if (!Number.isInteger(dimensions) || dimensions < 16) throw new Error(`invalid dimensions: ${dimensions}`);
    this.id = `hash-v1-${dimensions}`;
  }

  async embed(texts: string[]): Promise<number[][]> {
    return texts.map((text) => this.embedOne(text));
  }

  embedOne(text: string): number[] {
    const features: Features = new Map();
    let previous: string | null = null;
    for (const word of tokenize(text)) {
      const stemmed = stem(word);
      if (STOP_WORDS.has(word)) {
        // Negation is one shared feature, so "Does not like coffee" is no near-duplicate of "Likes coffee".
        if (NEGATIONS.has(word)) collect(features, '<not>', SEED_CONCEPT, NEGATION_WEIGHT);
        collect(features, stemmed, SEED_WORD, STOP_WORD_WEIGHT);
        continue;
      }
      collect(features, stemmed, SEED_WORD, LOW_INFO_WORDS.has(word) ? LOW_INFO_WEIGHT : WORD_WEIGHT);
      if (previous !== null) collect(features, `${previous} ${stemmed}`, SEED_BIGRAM, BIGRAM_WEIGHT);
      previous = stemmed;
      collectCharGrams(features, word);
      for (const concept of CONCEPT_INDEX.get(stemmed) ?? []) collect(features, concept, SEED_CONCEPT, CONCEPT_WEIGHT);
    }
    // Punctuation-only or empty text: a small deterministic vector that still depends on the text.
    if (features.size === 0) collect(features, text.trim() || '<empty>', SEED_FALLBACK, 1);

    const vector = new Float64Array(this.dimensions);
    for (const [hash, [sum, count]] of features) {
      // Repeats count sublinearly, so one concept named five times cannot dominate a long text.
      const value = sum / sqrt(count * PROBES);
      // Several slots per feature shrink the spurious similarity a single hash collision causes.
      let mixed = hash;
      for (let probe = 0; probe < PROBES; probe++) {
        mixed = fmix32(mixed ^ 0x9e3779b9);
        vector[mixed % this.dimensions] += fmix32(mixed ^ 0x7f4a7c15) & 1 ? value : -value;
      }
    }
    let length = norm(vector);
    if (length === 0) {
      vector[0] = 1;
      length = 1;
    }
    const unit = new Array<number>(this.dimensions);
    for (let i = 0; i < unit.length; i++) unit[i] = vector[i] / length;
    return unit;
  }
}

/** Feature hash -> [summed weight, occurrences]. */
type Features = Map<number, [number, number]>;

function collect(features: Features, feature: string, seed: number, weight: number): void {
  collectHash(features, hashRange(feature, 0, feature.length, seed), weight);
}

function collectHash(features: Features, hash: number, weight: number): void {
  const entry = features.get(hash);
  if (entry) {
    entry[0] += weight;
    entry[1] += 1;
  } else features.set(hash, [weight, 1]);
}

function collectCharGrams(features: Features, word: string): void {
  const padded = `<${word}>`;
  let count = 0;
  for (let n = MIN_CHAR_GRAM; n <= MAX_CHAR_GRAM; n++) count += max(0, padded.length - n + 1);
  if (count === 0) return;
  const weight = CHAR_WEIGHT / sqrt(count);
  for (let n = MIN_CHAR_GRAM; n <= MAX_CHAR_GRAM; n++) {
    for (let start = 0; start + n <= padded.length; start++) {
      collectHash(features, hashRange(padded, start, start + n, SEED_CHAR), weight);
    }
  }
}

/** The concept groups a stemmed word belongs to (ids such as `c3`). */
export function conceptsOf(stemmed: string): readonly string[] {
  return CONCEPT_INDEX.get(stemmed) ?? [];
}

/** Lower-cased words without accents, punctuation or contraction suffixes ("don't" -> "dont"). */
export function tokenize(text: string): string[] {
  const normalised = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`]/g, "'")
    .replace(/'s\b/g, '')
    .replace(/'/g, '');
  return normalised.split(/[^\p{L}\p{N}]+/u).filter((word) => word.length > 0);
}

/** A light, deterministic English stemmer: plurals, -ing/-ed/-ly, a final -e, British -our. */
export function stem(input: string): string {
  let word = input;
  if (word.length <= 3 || /\d/.test(word)) return word;
  if (word.length > 5) word = word.replace(/our(ite|ites|s|ed|ing)?$/, 'or$1');
  if (word.endsWith('ies') && word.length > 4) word = `${word.slice(0, -3)}y`;
  else if (word.endsWith('sses')) word = word.slice(0, -2);
  else if (/(sh|ch|x|z)es$/.test(word)) word = word.slice(0, -2);
  else if (word.endsWith('s') && !/(ss|us|is)$/.test(word)) word = word.slice(0, -1);
  if (word.endsWith('ing') && word.length > 5) word = undouble(word.slice(0, -3));
  else if (word.endsWith('ed') && word.length > 4) word = undouble(word.slice(0, -2));
  else if (word.endsWith('ly') && word.length > 5) word = word.slice(0, -2);
  if (word.endsWith('e') && word.length > 3) word = word.slice(0, -1);
  if (word.endsWith('y') && word.length > 3) word = `${word.slice(0, -1)}i`;
  return word;
}

function undouble(word: string): string {
  return /([b-df-hj-np-rtv-z])\1$/.test(word) && !/(ll|ss|zz)$/.test(word) ? word.slice(0, -1) : word;
}

function buildConceptIndex(): Map<string, string[]> {
  const index = new Map<string, string[]>();
  CONCEPTS.forEach((group, i) => {
    for (const word of group.split(' ')) {
      const key = stem(word);
      const concepts = index.get(key) ?? [];
      if (!concepts.includes(`c${i}`)) concepts.push(`c${i}`);
      index.set(key, concepts);
    }
  });
  return index;
}

/** FNV-1a over UTF-16 code units of text[start, end). */
function hashRange(text: string, start: number, end: number, seed: number): number {
  let hash = seed >>> 0;
  for (let i = start; i < end; i++) {
    hash ^= text.charCodeAt(i);
    hash = imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** MurmurHash3's finaliser: spreads FNV's weak low bits before the modulo and the sign bit. */
function fmix32(input: number): number {
  let h = input >>> 0;
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function norm(vector: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i] * vector[i];
  return sqrt(sum);
}

/** Cosine similarity of two unit vectors. */
export function dot(a: number[], b: number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}
