import type { ChatMessage, ExtractedFact, ExtractionRequest } from '../ai.types';
import {
  ASSISTANT_FILLER,
  AUXILIARIES,
  AUXILIARY_START,
  CLAUSE_BREAK,
  COMMAND_START,
  CONTRACTIONS,
  DEMONYMS,
  DETERMINER,
  DROPPED_ADVERBS,
  FILLER_WORDS,
  Gender,
  GENDER_OF,
  INTRODUCTION,
  IRREGULAR_PAST,
  KEPT_ADVERBS,
  KIND_WORDS,
  MEMORY_WRAPPER,
  NAME,
  NOT_NAMES,
  QUESTION_START,
  POSSESSED_FACT,
  SMALL_TALK,
  SUBJECTLESS_FACT,
  TRAILING_CHATTER,
  USER_FILLER,
  words,
} from './fact-lexicon';
import { stem, STOP_WORDS, tokenize } from './hash-embedder';
import { isForeign, statementsOf } from './language';

type Role = 'user' | 'assistant';

interface Entity {
  label: string;
  gender: Gender;
}

export interface FactExtractorOptions {
  /** How well a fact matches a free-text topic, in [0, 1]; stem overlap when not given. */
  topicScore?: (fact: string, topic: string) => Promise<number>;
}

/** A fact counts as matching an includes/excludes topic from this score up. */
export const TOPIC_MATCH_THRESHOLD = 0.5;

/** Rule-based extraction: one fact per informative first-person clause, attributed by message role. */
export async function extractFacts(
  request: ExtractionRequest,
  options: FactExtractorOptions = {},
): Promise<ExtractedFact[]> {
  const entities: Entity[] = [];
  for (const message of request.context) for (const clause of clausesOf(message)) noteEntities(clause, entities);

  const facts: ExtractedFact[] = [];
  const seen = new Set<string>();
  for (const message of request.messages) {
    if (message.role === 'system') continue;
    if (isForeign(message.content)) {
      facts.push(...statementsOf(message.content).map((text) => ({ text, source: message.role as Role })));
      continue;
    }
    for (const clause of clausesOf(message)) {
      const text = rewriteClause(clause, message.role, entities);
      noteEntities(clause, entities);
      const key = `${message.role}:${tokenize(text ?? '').join(' ')}`;
      if (!text || seen.has(key)) continue;
      seen.add(key);
      facts.push({ text, source: message.role });
    }
  }
  return filterByTopics(facts, request, options);
}

function clausesOf(message: ChatMessage): string[] {
  return (
    message.content
      .replace(/[\u2018\u2019\u02bc]/g, "'")
      .replace(/[\u201c\u201d]/g, '"')
      .replace(/(^|[\s"(])i(?=['\s,!?]|$|\.(?!e))/g, '$1I')
      .replace(/\b(Mr|Mrs|Ms|Dr|Prof|St|Jr|Sr|vs|etc|approx|Mt|e\.g|i\.e|[ap]\.m)\./gi, (_, w: string) => `${w}\u0000`)
      .replace(/\b([A-Z])\.(?=\s?[A-Z])/g, '$1\u0000')
      .replace(/(\d)\.(\d)/g, '$1\u0000$2')
      // "My wife and I ..." is one subject, not two clauses.
      .replace(
        new RegExp(`\\b((?:[Mm]y|[Oo]ur) (?:\\w+ )?(?:${KIND_WORDS})s?|[Mm]e) and (I|my)\\b`, 'g'),
        '$1 \u0001 $2',
      )
      .split(/(?<=[.!?\u2026])["')\]]*\s+|\s*\n+\s*|;\s+|\s+-\s+/)
      .flatMap((sentence) => sentence.split(CLAUSE_BREAK))
      .map((clause) =>
        clause
          .replace(/\u0000/g, '.')
          .replace(/\u0001/g, 'and')
          .trim(),
      )
      .filter((clause) => clause.length > 0)
  );
}

function rewriteClause(raw: string, role: Role, entities: Entity[]): string | null {
  let clause = raw.replace(/^["'(\[]+/, '').replace(FILLER_WORDS, '');
  // "I'm trying to lose weight, any tips?": the statement before a trailing question still counts.
  const statement = /^((?:I|I'm|I've|my|we)\b[^?]+?),\s*[^,?]+\?["')\]]*\s*$/i.exec(clause);
  if (statement) clause = statement[1];
  const question = /\?["')\]]*\s*$/.test(clause);
  clause = clause
    .replace(/[\s.!?\u2026,;:"')\]]+$/u, '')
    .replace(TRAILING_CHATTER, '')
    .trim();
  const wrapped = MEMORY_WRAPPER.exec(clause);
  if (wrapped) clause = clause.slice(wrapped[0].length);
  else if (question || (QUESTION_START.test(clause) && !SUBJECTLESS_FACT.test(clause)) || COMMAND_START.test(clause))
    return null;
  if (!clause || SMALL_TALK.test(clause) || clause.split(/\s+/).length < 2) return null;

  let fact: string | null;
  if (role === 'assistant') fact = rewriteAssistant(clause);
  else fact = USER_FILLER.test(clause) ? null : rewriteUser(clause, entities);
  return fact === null ? null : finish(fact);
}

function rewriteUser(clause: string, entities: Entity[]): string | null {
  let m = /^my name(?:'s| is)\s+(.+)$/i.exec(clause);
  if (m) return `Name is ${m[1]}`;
  m = INTRODUCTION.exec(clause);
  if (m && !DEMONYMS.has(m[1].toLowerCase())) {
    return /^(?:I go by|you can call me|please call me|call me)/i.test(clause)
      ? `Prefers to be called ${m[1]}`
      : `Name is ${m[1]}`;
  }
  m = new RegExp(
    `^(?:(?:my|our) ((?:\\w+ )?(?:${KIND_WORDS})s?) and I|me and my ((?:\\w+ )?(?:${KIND_WORDS})s?))\\s+(.+)$`,
    'i',
  ).exec(clause);
  if (m) {
    const predicate = predicateOf(m[3], 'user');
    return predicate && `${predicate} with their ${m[1] ?? m[2]}`;
  }
  if (/^(?:I|we)\b/i.test(clause)) return predicateOf(clause, 'user');
  m = /^(?:my|our)\s+(.+)$/i.exec(clause);
  if (m) return innerPronouns(m[1], 'user');

  m = /^(he|she|it|they|his|her|its|their)\b(?:'s\b)?\s*(.*)$/i.exec(clause);
  if (m) {
    const pronoun = m[1].toLowerCase();
    const entity = resolve(pronoun, entities);
    if (!entity || !m[2]) return null;
    const possessive = /^(?:his|her|its|their)$/.test(pronoun) ? "'s" : '';
    const verb = /^\w+'s\b/.test(clause) ? ' is' : '';
    const rest = /^they$/.test(pronoun) ? m[2].replace(/^(are|were|have)\b/, (w) => AUXILIARIES.get(w) ?? w) : m[2];
    return innerPronouns(`${entity.label}${possessive}${verb} ${rest}`, 'user');
  }
  if (SUBJECTLESS_FACT.test(clause) || POSSESSED_FACT.test(clause)) return innerPronouns(clause, 'user');
  // Third-person statements are kept only when they say something about the user ("Emma is my sister").
  return /\b(?:I|[Mm]y|[Oo]ur|me|us|mine)\b/.test(clause) && !/^(?:it|that|this|there)\b/i.test(clause)
    ? innerPronouns(clause, 'user')
    : null;
}

function rewriteAssistant(clause: string): string | null {
  if (ASSISTANT_FILLER.test(clause)) return null;
  const m = /^I(?:'d| would)?\s+(?:recommend|suggest|suggested|recommended)\s+(?:that you\s+)?(.+)$/i.exec(clause);
  if (m) return innerPronouns(`Recommended ${m[1]}`, 'assistant');
  const name = new RegExp(`^(?:my name(?:'s| is)|I'm|I am|call me)\\s+${NAME}$`, 'u').exec(clause);
  if (name) return `Name is ${name[1]}`;
  if (/^my\s/i.test(clause)) return innerPronouns(clause.replace(/^my\s+/i, ''), 'assistant');
  return /^(?:I|we)\b/i.test(clause) ? predicateOf(clause, 'assistant') : null;
}

/** "I don't really like coffee" -> "Does not like coffee": the subject goes, the verb takes the third person. */
function predicateOf(clause: string, role: Role): string | null {
  let rest = clause.replace(/^(?:I|we)\b/i, '');
  let aux: string | null = null;
  const contraction = /^'(m|re|ve|ll|d)\b/i.exec(rest);
  if (contraction) {
    rest = rest.slice(contraction[0].length);
    aux = CONTRACTIONS[contraction[1].toLowerCase()];
    if (aux === 'would' && /^\s+(?:been|\w+ed|\w+en|had|got)\b/i.test(rest)) aux = 'had';
  }
  rest = rest.trim();
  const kept: string[] = [];
  for (;;) {
    const drop = DROPPED_ADVERBS.exec(rest);
    const keep = drop || aux ? null : KEPT_ADVERBS.exec(rest);
    const adverb = drop ?? keep;
    if (!adverb) break;
    if (keep) kept.push(keep[0].trim().toLowerCase());
    rest = rest.slice(adverb[0].length);
  }
  const auxiliary = aux ? null : AUXILIARY_START.exec(rest);
  if (auxiliary) {
    aux = auxiliary[1].toLowerCase();
    rest = rest.slice(auxiliary[0].length).trim();
  }
  let head: string;
  if (aux) {
    head = AUXILIARIES.get(aux) ?? aux;
    const not = /^(?:not|n't)\b\s*/i.exec(rest);
    if (not && !head.endsWith('not')) {
      head = head === 'can' ? 'cannot' : `${head} not`;
      rest = rest.slice(not[0].length);
    }
    rest = rest.replace(DROPPED_ADVERBS, '');
    if (head === 'has' && /^got\b(?! to)/i.test(rest)) rest = rest.replace(/^got\s*/i, '');
  } else {
    const m = /^([A-Za-z]+)\b\s*(.*)$/.exec(rest);
    if (!m) return null;
    head = isPast(m[1]) ? m[1] : thirdPerson(m[1]);
    rest = m[2];
  }
  let object = innerPronouns(rest, role);
  if (head === 'is' && /^\d{1,3}$/.test(object)) object += ' years old';
  // "I love it", "I'm here", "I'd like that": nothing left to remember once the subject is gone.
  if (object && !informative(object.replace(/\bthe (?:assistant|user)\b/g, ''))) return null;
  return [...kept, head, object].filter(Boolean).join(' ');
}

function isPast(verb: string): boolean {
  const lower = verb.toLowerCase();
  return (
    IRREGULAR_PAST.has(lower) ||
    (/ed$/.test(lower) && !/^(?:need|feed|breed|bleed|speed|proceed|exceed|succeed|shed|embed)$/.test(lower))
  );
}

export function thirdPerson(verb: string): string {
  const lower = verb.toLowerCase();
  const irregular: Record<string, string> = { be: 'is', am: 'is', are: 'is', have: 'has', do: 'does', go: 'goes' };
  if (irregular[lower]) return irregular[lower];
  if (/(?:s|sh|ch|x|z|o)$/.test(lower)) return `${verb}es`;
  if (/[^aeiou]y$/.test(lower)) return `${verb.slice(0, -1)}ies`;
  return `${verb}s`;
}

/** First-person words inside a fact become third person; "you" is the other party. */
function innerPronouns(text: string, role: Role): string {
  const other = role === 'user' ? 'the assistant' : 'the user';
  const subject =
    /\b(that|if|when|because|since|as|once|until|unless|while|whenever|before|after|and|but|so) you ([a-z]+)\b/gi;
  return text
    .replace(/\bI'm\b/g, "they're")
    .replace(/\bI am\b/g, 'they are')
    .replace(/\bI was\b/g, 'they were')
    .replace(/\bI('ve|'ll|'d)\b/g, 'they$1')
    .replace(/\b(?:I|[Ww]e)\b/g, 'they')
    .replace(/\b(?:me|us)\b/g, 'them')
    .replace(/\b(?:[Mm]y|[Oo]ur)\b/g, 'their')
    .replace(/\b(?:mine|ours)\b/g, 'theirs')
    .replace(/\b(?:myself|ourselves)\b/g, 'themselves')
    .replace(/\byou(?:'re| are)\b/gi, `${other} is`)
    .replace(/\byou(?:'ve| have)\b/gi, `${other} has`)
    .replace(/\byou were\b/gi, `${other} was`)
    .replace(/\byou(?: don't| do not)\b/gi, `${other} does not`)
    .replace(/\byou'(ll|d)\b/gi, (_, c: string) => `${other} ${c === 'll' ? 'will' : 'would'}`)
    .replace(subject, (_, c: string, v: string) => {
      const plain = STOP_WORDS.has(v) || isPast(v);
      return `${c} ${other} ${plain ? v : thirdPerson(v)}`;
    })
    .replace(/\byours?\b/gi, `${other}'s`)
    .replace(/\byourself\b/gi, other)
    .replace(/\byou\b/gi, other)
    .trim();
}

function informative(text: string): boolean {
  return tokenize(text).some((word) => !STOP_WORDS.has(word) && !/^(?:is|was|has|does|did|will|would|not)$/.test(word));
}

function finish(fact: string): string | null {
  const text = fact
    .replace(/\s+/g, ' ')
    .replace(/[\s.!?\u2026,;:]+$/u, '')
    .trim();
  if (!text || text.split(' ').length < 2 || !informative(text)) return null;
  return text[0].toUpperCase() + text.slice(1);
}

/** Remembers who "he", "she" or "it" can refer to: pets and relatives, new things, then people and places. */
function noteEntities(clause: string, entities: Entity[]): void {
  const found: { index: number; entity: Entity }[] = [];
  const add = (index: number | undefined, kind: string, name: string | undefined, gender?: Gender): void => {
    const label = `${kind[0].toUpperCase()}${kind.slice(1)}${name ? ` ${name}` : ''}`;
    if (found.some((f) => f.index === index)) return;
    found.push({ index: index ?? 0, entity: { label, gender: gender ?? GENDER_OF.get(kind.toLowerCase()) ?? 'any' } });
  };
  for (const m of clause.matchAll(
    new RegExp(`\\b${DETERMINER}\\s+(?:\\w+\\s+)?(\\w+),?\\s+(?:named|called)\\s+${NAME}`, 'gu'),
  )) {
    add(m.index, m[1].toLowerCase(), m[2]);
  }
  for (const m of clause.matchAll(
    new RegExp(`\\b${DETERMINER}\\s+(?:\\w+\\s+)?(${KIND_WORDS})\\b(?:\\s*,?\\s+${NAME})?`, 'gu'),
  )) {
    add(m.index, m[1].toLowerCase(), m[2] && !NOT_NAMES.has(m[2]) ? m[2] : undefined);
  }
  for (const m of clause.matchAll(/\b(?:[Aa]|[Mm]y|[Oo]ur) (new|old|first|favou?rite) ([a-z]+)\b/g)) {
    add(m.index, m[1], m[2], 'thing');
  }
  for (const m of clause.matchAll(
    /(?<=\s)(?:(in|to|from|at|near|visit|visited|visiting)\s+)?([A-Z][\p{L}'-]+(?:\s+[A-Z][\p{L}'-]+)?)/gu,
  )) {
    const [name, first] = [m[2], m[2].split(' ')[0]];
    if (NOT_NAMES.has(first) || DEMONYMS.has(first.toLowerCase()) || first.startsWith("I'")) continue;
    if (!found.some((f) => f.entity.label.endsWith(name))) add(m.index, name, undefined, m[1] ? 'thing' : 'person');
  }
  found.sort((a, b) => a.index - b.index).forEach((f) => entities.push(f.entity));
}

const PRONOUN_GENDERS: Record<string, Gender[]> = {
  he: ['male', 'person', 'any'],
  his: ['male', 'person', 'any'],
  she: ['female', 'person', 'any'],
  her: ['female', 'person', 'any'],
  it: ['thing', 'any'],
  its: ['thing', 'any'],
};

function resolve(pronoun: string, entities: Entity[]): Entity | undefined {
  const wanted = PRONOUN_GENDERS[pronoun] ?? ['male', 'female', 'person', 'any'];
  for (let i = entities.length - 1; i >= 0; i--) if (wanted.includes(entities[i].gender)) return entities[i];
  return undefined;
}

async function filterByTopics(
  facts: ExtractedFact[],
  request: ExtractionRequest,
  options: FactExtractorOptions,
): Promise<ExtractedFact[]> {
  const score = options.topicScore ?? (async (fact: string, topic: string) => (sharesStem(fact, topic) ? 1 : 0));
  const rules = {
    user: instructionTopics(request.customInstructions),
    assistant: instructionTopics(request.agentCustomInstructions?.trim() || request.customInstructions),
  };
  const matches = async (fact: string, topics: string[]): Promise<boolean> => {
    for (const topic of topics) if ((await score(fact, topic)) >= TOPIC_MATCH_THRESHOLD) return true;
    return false;
  };
  const kept: ExtractedFact[] = [];
  for (const fact of facts) {
    const include = [...topicsOf(request.includes), ...rules[fact.source].includes];
    const exclude = [...topicsOf(request.excludes), ...rules[fact.source].excludes];
    if (await matches(fact.text, exclude)) continue;
    if (include.length === 0 || (await matches(fact.text, include))) kept.push(fact);
  }
  return kept;
}

/** "food, travel and anything about my health" -> ["food", "travel", "health"]. */
export function topicsOf(text: string | null | undefined): string[] {
  const filler = new RegExp(
    `^\\s*(?:(?:${words(
      'any anything everything all only things stuff information info facts details data memories mentions related',
      "regarding concerning about on of to the my their user's personal",
    )})\\s+)+`,
    'i',
  );
  return (text ?? '')
    .split(/[,;\n]|\s+(?:and|or|nor)\s+/i)
    .map((topic) =>
      topic
        .replace(filler, '')
        .replace(/[\s.!]+$/, '')
        .trim(),
    )
    .filter((topic) => topic.length > 1);
}

/** Simple include/exclude rules written in plain words: "Don't store health data. Only remember food preferences." */
function instructionTopics(text: string | null | undefined): { includes: string[]; excludes: string[] } {
  const verbs = `(?:${words('store remember save keep record extract capture include track memori[sz]e collect')})`;
  const collect = (pattern: string): string[] =>
    [...(text ?? '').matchAll(new RegExp(`${pattern}\\s+([^.;\\n]+)`, 'gi'))].flatMap((m) => topicsOf(m[1]));
  return {
    includes: collect(`\\bonly\\s+${verbs}`),
    excludes: [
      ...collect(`\\b(?:do not|don't|never|avoid|stop)\\s+${verbs}(?:ing)?`),
      ...collect('\\b(?:ignore|exclude|skip|leave out|forget about)'),
    ],
  };
}

function sharesStem(a: string, b: string): boolean {
  const stems = new Set(
    tokenize(a)
      .filter((w) => !STOP_WORDS.has(w))
      .map(stem),
  );
  return tokenize(b).some((w) => !STOP_WORDS.has(w) && stems.has(stem(w)));
}
