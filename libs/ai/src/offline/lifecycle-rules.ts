import type { LifecycleDecision, LifecycleRequest } from '../ai.types';
import { conceptsOf, stem, STOP_WORDS, tokenize } from './hash-embedder';

/*
 * Offline supersede and merge: plain rules over what a fact says about one slot of its subject
 * (where they live, who they work for, their job, their relationship status, a preference, a habit).
 * A fact the rules cannot read supersedes nothing; see the README for what they leave out.
 */

type Attribute = 'residence' | 'employer' | 'role' | 'relationship' | 'preference' | 'habit';
/** value: states a value; changed: a new value replacing an old one; ended: the value stopped; endedAny: every value. */
type Kind = 'value' | 'changed' | 'ended' | 'endedAny';

export interface Slot {
  /** `self` for the user (facts without a subject), else the subject's stems ("sister"). */
  subject: string;
  attribute: Attribute;
  kind: Kind;
  /** Stems of the value ("berlin"); for a relationship, the status ("married"). */
  value: string[];
  /** A relationship's partner, a habit's verb. */
  detail: string[];
  negative: boolean;
}

interface Rule {
  attribute: Attribute;
  kind: Kind;
  pattern: RegExp;
  /** The value must be a name (capitalised): "Joined Microsoft", not "Joined a gym". */
  proper?: boolean;
  negative?: boolean;
  /** For relationships: the status the rule stands for when the pattern does not capture one. */
  status?: string;
}

const SUBJECT = String.raw`^(?:(.+?)\s+)?(?:now\s+|currently\s+|still\s+|recently\s+|just\s+|finally\s+)?`;
const rule = (attribute: Attribute, kind: Kind, body: string, extra: Partial<Rule> = {}): Rule => ({
  attribute,
  kind,
  pattern: new RegExp(`${SUBJECT}(?:${body})$`, 'i'),
  ...extra,
});

/* Order matters: the first rule that reads a fact decides its slot. */
const RULES: Rule[] = [
  rule(
    'residence',
    'ended',
    String.raw`(?:no longer|does not|doesn't|is not) (?:lives?|living|resides?) (?:in|at) (.+?)(?: anymore| any more)?`,
    { negative: true },
  ),
  rule('residence', 'ended', String.raw`(?:has )?moved (?:away from|out of) (.+)`),
  rule('residence', 'changed', String.raw`(?:has )?(?:moved|relocated) (?:from .+? )?(?:back )?to (.+)`),
  rule('residence', 'value', String.raw`(?:lives|is living|resides|is based|is located) (?:in|at|near) (.+)`),
  rule('employer', 'ended', String.raw`(?:no longer|does not|doesn't) works? (?:at|for) (.+?)(?: anymore| any more)?`, {
    negative: true,
  }),
  rule(
    'role',
    'endedAny',
    String.raw`(?:quit|quits|left|leaves|lost|loses) (?:their|his|her|the|a|one's) (?:job|position|work)(?: .*)?`,
  ),
  rule(
    'role',
    'endedAny',
    String.raw`(?:is|became|got|was) (?:unemployed|retired|laid off|fired|between jobs|out of work)(?: .*)?|retired(?: .*)?|(?:no longer|does not) works?|stopped working`,
  ),
  rule(
    'employer',
    'ended',
    String.raw`(?:left|quit|quits|resigned from|was fired from|was laid off from|got laid off from|stopped working (?:at|for)) (.+)`,
  ),
  rule(
    'employer',
    'changed',
    String.raw`(?:joined|started (?:working |a (?:new )?job )?at|got a (?:new )?job at|was hired (?:at|by)|got hired (?:at|by)|took a job at) (.+)`,
    { proper: true },
  ),
  rule('role', 'changed', String.raw`(?:got a (?:new )?job as|became an?|is now an?|was promoted to) (.+)`),
  rule(
    'role',
    'value',
    String.raw`(?:works|is working|is employed|has a (?:new )?job|has a position) as (?:an? )?(.+)`,
  ),
  rule(
    'employer',
    'value',
    String.raw`(?:works|is working|is employed|has a (?:new )?job|has a position) (?:at|for|with|by) (.+)`,
  ),
  rule('relationship', 'changed', String.raw`broke up with (.+)`, { status: 'single' }),
  rule(
    'relationship',
    'changed',
    String.raw`(?:got|has been|was) (married|engaged|divorced|separated|widowed)(?: (?:to|from) (.+))?`,
  ),
  rule(
    'relationship',
    'value',
    String.raw`is (married|engaged|divorced|separated|widowed|single)(?: (?:to|from) (.+))?`,
  ),
  rule('relationship', 'value', String.raw`is (?:dating|in a relationship with|seeing) (.+)`, { status: 'dating' }),
  rule(
    'preference',
    'ended',
    String.raw`(?:no longer|does not|doesn't|did not|never) (?:really )?(?:likes?|loves?|enjoys?|prefers?) (.+?)(?: anymore| any more)?`,
    { negative: true },
  ),
  rule(
    'preference',
    'value',
    String.raw`(?:dislikes|hates|detests|can't stand|cannot stand|is not a fan of|is no longer a fan of|is not into|is no longer into) (.+?)(?: anymore| any more)?`,
    { negative: true },
  ),
  rule('preference', 'changed', String.raw`(?:prefers|likes) (.+?) now|(?:has )?switched (?:from .+? )?to (.+)`),
  rule('preference', 'value', String.raw`(?:really )?(?:likes|loves|enjoys|adores|prefers|is a fan of|is into) (.+)`),
  rule(
    'habit',
    'ended',
    String.raw`(?:no longer|does not|doesn't) (\w+) (.+?)(?: anymore| any more)|stopped (\w+?)ing (.+)|no longer (\w+?)s (.+)`,
    { negative: true },
  ),
];

const CHANGE_MARKER = /^(?:.+?\s+)?(?:now|currently)\s+/i;
const TRAILING_TIME =
  /\s+(?:now|anymore|any more|recently|these days|last (?:week|month|year)|this (?:week|month|year)|in \d{4}|since .+|\w+ (?:weeks?|months?|years?) ago)$/i;
const SELF = /^(?:user|the user|they|he|she)$/i;
const VALUE_END: Partial<Record<Attribute, RegExp>> = {
  residence: /\s+(?:with|since|for|because|and)\s+/i,
  employer: /\s+(?:as|in|since|for|because|and)\s+/i,
  role: /\s+(?:at|for|in|with|since|because|and)\s+/i,
};
/** Words saying nothing a restatement must repeat: "Has a dog named Rex" is about {dog, rex}. */
const FILLER = new Set(['named', 'called', 'name', 'has', 'have', 'is', 'are', 'was', 'user', 'their']);

/** Above this (hash embedder) a fact whose content words contain a memory's restates it. */
export const RESTATEMENT_SIMILARITY = 0.4;

export function readSlot(fact: string): Slot | null {
  const text = fact.trim().replace(/[.!]+$/, '');
  for (const r of RULES) {
    const m = r.pattern.exec(text);
    if (!m) continue;
    const captured = m.slice(2).filter((group): group is string => group !== undefined);
    if (r.proper && !/^\p{Lu}/u.test(captured[0] ?? '')) continue;
    const subject = normaliseSubject(m[1]);
    if (subject === null) continue;
    const negative = Boolean(r.negative);
    const changed = r.kind === 'value' && CHANGE_MARKER.test(text) ? 'changed' : r.kind;
    if (r.attribute === 'relationship') {
      const status = (r.status ?? captured[0] ?? '').toLowerCase();
      const partner = r.status ? captured[0] : captured[1];
      return { subject, attribute: r.attribute, kind: changed, value: [status], detail: stems(partner), negative };
    }
    if (r.attribute === 'habit') {
      const [verb, object] = captured;
      const detail = [stem(verb.toLowerCase())];
      return { subject, attribute: r.attribute, kind: r.kind, value: stems(cleanValue(object)), detail, negative };
    }
    const value = r.kind === 'endedAny' ? [] : stems(cleanValue(captured[0] ?? '', r.attribute));
    if (r.kind !== 'endedAny' && value.length === 0) continue;
    const detail = r.attribute === 'preference' && /\bprefers?\b/i.test(text) ? ['prefer'] : [];
    return { subject, attribute: r.attribute, kind: changed, value, detail, negative };
  }
  return readHabit(text);
}

/** "Drinks coffee every morning": a habit a later "No longer drinks coffee" ends (its verb and object). */
function readHabit(text: string): Slot | null {
  const m = /^(\w+?)(?:es|s) (.+)$/i.exec(text);
  if (!m || STOP_WORDS.has(m[1].toLowerCase()) || /^(?:i|ha|wa|doe)$/i.test(m[1])) return null;
  const value = stems(cleanValue(m[2]));
  if (value.length === 0) return null;
  return {
    subject: 'self',
    attribute: 'habit',
    kind: 'value',
    value,
    detail: [stem(m[1].toLowerCase())],
    negative: false,
  };
}

/** True when `newer` makes `older` no longer true: same subject and attribute, another value or the end of it. */
export function contradicts(newer: Slot, older: Slot): boolean {
  if (newer.subject !== older.subject) return false;
  const current = older.kind === 'value' || older.kind === 'changed';
  // "Quit their job" ends the job and the employer, whatever they were.
  if (newer.kind === 'endedAny') return current && (older.attribute === 'role' || older.attribute === 'employer');
  if (newer.attribute !== older.attribute) return false;
  const same = sameValue(newer.value, older.value);
  switch (newer.attribute) {
    case 'residence':
    case 'employer':
    case 'role':
      return current && (newer.kind === 'ended' ? same : !same);
    case 'relationship':
      return !same || (newer.detail.length > 0 && older.detail.length > 0 && !sameValue(newer.detail, older.detail));
    case 'preference':
      if (newer.negative !== older.negative) return overlaps(newer.value, older.value);
      // Liking two things is no contradiction; a new preference over a related one is.
      return (
        !newer.negative &&
        !same &&
        related(newer.value, older.value) &&
        (newer.kind === 'changed' || (newer.detail.includes('prefer') && older.detail.includes('prefer')))
      );
    case 'habit':
      return (
        newer.negative && !older.negative && sameValue(newer.detail, older.detail) && overlaps(newer.value, older.value)
      );
  }
}

/** "Dog Rex is a 3-year-old golden retriever" restates "Has a dog named Rex": all its words and more, nothing negated. */
export function restates(newer: string, older: string, similarity: number): boolean {
  if (similarity < RESTATEMENT_SIMILARITY || isNegative(newer) !== isNegative(older)) return false;
  const mine = new Set(contentStems(newer));
  const theirs = new Set(contentStems(older));
  if (theirs.size === 0 || mine.size <= theirs.size || ![...theirs].every((w) => mine.has(w))) return false;
  // The fact must be about what the memory is about: "Sister lives in Lisbon" does not restate "Lives in Lisbon".
  const lead = /^(.+?)\s+(?:is|are|was|has|have|lives|works|likes|loves)\b/i.exec(newer.trim());
  return !lead || contentStems(lead[1]).every((w) => theirs.has(w));
}

/**
 * Each fact against its candidates (best first): a contradiction supersedes, a restatement merges.
 * Facts stating a new value are judged first, so that one replaces the memory; a fact that only ends
 * the same memory ("No longer lives in Lisbon" beside "Moved to Berlin") is then redundant.
 */
export function judgeOffline(request: LifecycleRequest): LifecycleDecision[] {
  const slots = request.facts.map((fact) => readSlot(fact.text));
  const order = request.facts.map((_, index) => index);
  const endsOnly = (index: number) => slots[index]?.kind === 'ended' || slots[index]?.kind === 'endedAny';
  order.sort((a, b) => Number(endsOnly(a)) - Number(endsOnly(b)) || a - b);
  const claimed = new Map<string, number>();
  const decisions: LifecycleDecision[] = [];
  for (const index of order) {
    const fact = request.facts[index];
    for (const candidate of fact.candidates) {
      const older = readSlot(candidate.text);
      const action =
        slots[index] && older && contradicts(slots[index], older)
          ? 'supersede'
          : restates(fact.text, candidate.text, candidate.similarity)
            ? 'merge'
            : null;
      if (!action) continue;
      if (!claimed.has(candidate.id)) {
        claimed.set(candidate.id, index);
        decisions.push({ fact: index, memoryId: candidate.id, action });
      } else if (action === 'supersede' && endsOnly(index) && claimed.get(candidate.id) !== index) {
        decisions.push({ fact: index, memoryId: candidate.id, action, redundant: true });
      }
    }
  }
  return decisions.sort((a, b) => a.fact - b.fact);
}

function normaliseSubject(raw: string | undefined): string | null {
  const subject = (raw ?? '')
    .replace(/^(?:the )?user's\s+|^their\s+/i, '')
    .replace(/\b(?:now|currently|still|recently|just|finally)\b/gi, '')
    .trim();
  if (!subject || SELF.test(subject)) return 'self';
  if (/\b(?:not|no|never|longer)\b/i.test(subject)) return null;
  // A subject that is a clause of its own ("Thinks she", "Said they") is not a subject the rules read.
  if (subject.split(/\s+/).length > 3) return null;
  return stems(subject).join(' ') || null;
}

/** The value alone: "Google" in "Google as an engineer", "Microsoft" in "Microsoft last month". */
function cleanValue(value: string, attribute?: Attribute): string {
  const cut = attribute && VALUE_END[attribute];
  let text = (cut ? value.split(cut)[0] : value).trim();
  for (let previous = ''; previous !== text;) {
    previous = text;
    text = text
      .replace(TRAILING_TIME, '')
      .replace(/^(?:a|an|the|their)\s+/i, '')
      .trim();
  }
  return text;
}

function stems(text: string | undefined): string[] {
  return tokenize(text ?? '')
    .filter((w) => !STOP_WORDS.has(w))
    .map(stem);
}

function contentStems(text: string): string[] {
  return tokenize(text)
    .filter((w) => !STOP_WORDS.has(w) && !FILLER.has(w))
    .map(stem);
}

function isNegative(text: string): boolean {
  return /\b(?:not|never|no longer|don't|doesn't|isn't|wasn't|won't|can't|cannot|dislikes?|hates?)\b/i.test(text);
}

function sameValue(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((w) => b.includes(w));
}

function overlaps(a: string[], b: string[]): boolean {
  return a.length > 0 && b.length > 0 && (a.every((w) => b.includes(w)) || b.every((w) => a.includes(w)));
}

/** Two values about the same thing: a shared word ("dark mode"/"light mode") or concept ("coffee"/"tea"). */
function related(a: string[], b: string[]): boolean {
  if (a.some((w) => b.includes(w))) return true;
  const concepts = new Set(a.flatMap((w) => conceptsOf(w)));
  return b.some((w) => conceptsOf(w).some((c) => concepts.has(c)));
}
