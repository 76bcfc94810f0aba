import { stem, tokenize } from './hash-embedder';

/*
 * Reads the value a memory gives a property, so an export says "Lisbon" for `favourite_city`, not
 * "My favourite city is Lisbon.". Plain rules over the memory's own words (offline, deterministic);
 * a memory none of them reads is kept whole.
 */

/** Properties whose value is prose: they keep the memory as it is. */
const PROSE = new Set(
  'summary bio biography description notes note about background overview details context story history comment'
    .split(' ')
    .map(stem),
);

/** Which preposition introduces which kind of value, by the property's words. */
const PREPOSITION_KINDS: [RegExp, string[]][] = [
  [
    /^(?:at|for|with)$/,
    'company employer workplace organization organisation org school university team club'.split(' '),
  ],
  [/^as$/, 'role job title position occupation profession'.split(' ')],
  [/^(?:in|from|near|to)$/, 'city country location home town hometown place residence address destination'.split(' ')],
];

const NAME_WORDS = new Set(['name', 'nam', 'nickname', 'call', 'called', 'named'].map(stem));
const COPULA = /^(.+?)\s+(?:is|are|was|were|am|=)\s+(.+)$/i;
const LABEL = /^([^:]{1,40}):\s*(.+)$/;
const NAMED = /\b(?:named|called)\s+(.+)$/i;
const LEAD_VERB = new RegExp(
  '^(?:i\\s+)?(?:really\\s+)?(?:loves?|likes?|enjoys?|prefers?|adores?|hates?|dislikes?|plays?|speaks?|owns?|has|have|' +
    'uses?|drinks?|eats?|drives?|reads?|watches?|studies|study|knows?|wants?|needs?|collects?|practi[cs]es?|' +
    'is|am|are|lives?|works?|moved|comes?|grew\\s+up|was\\s+born)\\b\\s*(.*)$',
  'i',
);
const PREPOSITION = /\s+(at|for|with|as|in|from|near|to|on|of)\s+/i;
const LEADING_FILLER = /^(?:(?:a|an|the|my|his|her|their|our|some)\s+)+/i;
const ADJECTIVE =
  /^(?:allergic|intolerant|sensitive|interested|fluent|based|located|born|married|engaged|afraid|scared|fond|keen|proud|addicted)$/i;
const TRAILING_TIME =
  /\s+(?:on|every|each|at|during|in\s+the)\s+(?:(?:the\s+)?weekends?|weekdays?|mornings?|evenings?|nights?|(?:mon|tues|wednes|thurs|fri|satur|sun)days?|day|week|month|year)$/i;

/** The property's own words, stemmed: its name (camelCase and snake_case split) and title. */
export function propertyStems(name: string, title?: unknown): string[] {
  const words = `${name.replace(/([a-z])([A-Z])/g, '$1 $2')} ${typeof title === 'string' ? title : ''}`;
  return tokenize(words).map(stem);
}

/** Same word or the same root: "allergies"/"allergic", "favourite"/"favorite" (stems sharing all but their ends). */
export function relatedStems(a: string, b: string): boolean {
  if (a === b) return true;
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return common >= 5 && common >= Math.min(a.length, b.length) - 2;
}

/** The value of a property in a memory, or the memory itself when no rule reads one. */
export function extractValue(memory: string, property: string[]): string {
  const text = memory.trim().replace(/[.!?]+$/, '');
  if (property.some((word) => PROSE.has(word))) return memory.trim();
  const value = readValue(text, property);
  const cleaned = value === undefined ? '' : clean(value);
  return cleaned || memory.trim();
}

/** An array of strings: one item per value a memory lists ("Speaks French and German", "peanuts, shellfish"). */
export function extractValues(memory: string, property: string[]): string[] {
  const value = extractValue(memory, property);
  if (value === memory.trim()) return [value];
  return value
    .split(/\s*,\s*(?:and\s+)?|\s+and\s+/i)
    .map(clean)
    .filter(Boolean);
}

function readValue(text: string, property: string[]): string | undefined {
  const aboutName = property.some((word) => NAME_WORDS.has(word));
  const named = aboutName ? NAMED.exec(text) : null;
  if (named) return named[1];
  for (const pattern of [LABEL, COPULA]) {
    const match = pattern.exec(text);
    if (match && subjectNames(match[1], property)) return match[2];
  }
  const lead = LEAD_VERB.exec(text);
  if (!lead) return undefined;
  return choosePhrase(lead[1], property);
}

/** "My favourite city" names `favourite_city`; a short label ("Name", "Email") names what it says. */
function subjectNames(subject: string, property: string[]): boolean {
  const words = tokenize(subject).map(stem);
  return words.some((word) => property.some((wanted) => relatedStems(word, wanted)));
}

/**
 * What follows the verb: "a software engineer at Acme" gives `role` the phrase after "as" and `company`
 * the one after "at"; otherwise the verb's object ("hiking"), or after an adjective ("allergic") the
 * phrase it introduces ("peanuts").
 */
function choosePhrase(rest: string, property: string[]): string | undefined {
  // [head, preposition, phrase, preposition, phrase, ...]
  const parts = ` ${rest}`.split(PREPOSITION);
  for (const [preposition, kinds] of PREPOSITION_KINDS) {
    if (!property.some((word) => kinds.some((kind) => relatedStems(word, stem(kind))))) continue;
    for (let i = 1; i + 1 < parts.length; i += 2) {
      if (preposition.test(parts[i])) return parts[i + 1];
    }
  }
  const head = parts[0].trim();
  return head && !ADJECTIVE.test(head) ? head : parts[2];
}

function clean(value: string): string {
  let text = value.trim().replace(/[.!?]+$/, '');
  let previous;
  do {
    previous = text;
    text = text.replace(TRAILING_TIME, '').replace(LEADING_FILLER, '').trim();
  } while (text !== previous);
  return text;
}
