import type {
  LifecycleAction,
  LifecycleDecision,
  LifecycleRequest,
  SynthesisRequest,
  SynthesizedPattern,
} from '../ai.types';
import { InvalidReply } from './invalid-reply';
import { EXISTING_MEMORIES_HEADING, PromptPair } from './prompts';

/* Headings the test fake server recognises these requests by. */
export const LIFECYCLE_FACTS_HEADING = 'New facts, each with the ids of the existing memories to compare it with:';
export const SYNTHESIS_MEMORIES_HEADING = "One user's memories, oldest first:";

const LIFECYCLE_RULES = `You keep a long-term memory store true. You get new facts about a user, each with the ids of the existing memories most similar to it. For each pair of a new fact and one of its memories, decide:
- "supersede": the new fact contradicts the memory about the same subject and the same attribute, so the memory is no longer true. Examples: "Lives in Lisbon" and the new fact "Moved to Berlin"; "Works at Google" and "Joined Microsoft"; "Likes coffee" and "No longer likes coffee" or "Now prefers tea"; "Is married to Anna" and "Got divorced"; "Has a job as a nurse" and "Quit their job".
- "merge": the new fact says everything the memory says and more, so the memory adds nothing ("Has a dog named Rex" and "Dog Rex is a 3-year-old golden retriever").
- nothing: anything else, including facts about another person ("Lives in Lisbon" and "Sister lives in Berlin"), two things that can both be true ("Likes Thai food" and "Likes Italian food"), and facts that merely share a topic.
List only the pairs that need an action, using the ids exactly as given. Respond with a single JSON object and nothing else, in this shape:
{"decisions": [{"fact": "0", "memory": "2", "action": "supersede"}]}
Return {"decisions": []} when nothing needs to change.`;

const SYNTHESIS_RULES = `You find patterns in what a user has told an assistant over time. You get one user's memories: short facts, each with an id. Write pattern memories: concise, higher-order facts that several memories together imply and none states on its own ("Follows a structured fitness routine of weekly long runs and strength training, tracked on a Garmin watch").
- Each pattern must rest on at least three memories; list their ids as its sources.
- Only write what the memories support; never invent details. Skip one-off facts.
- Write each pattern as a short third-person statement without a subject, in the language of the memories.
Respond with a single JSON object and nothing else, in this shape:
{"patterns": [{"text": "...", "sources": ["0", "3", "7"]}]}
Return {"patterns": []} when nothing recurs.`;

/** Memories are numbered once (a memory may be a candidate of several facts); null when no fact has a candidate. */
export function buildLifecyclePrompt(request: LifecycleRequest): { pair: PromptPair; memories: string[] } | null {
  const memories: string[] = [];
  const texts = new Map<string, string>();
  const number = (id: string, text: string) => {
    if (!texts.has(id)) {
      texts.set(id, text);
      memories.push(id);
    }
    return String(memories.indexOf(id));
  };
  const facts = request.facts.flatMap((fact, index) =>
    fact.candidates.length === 0
      ? []
      : [
          JSON.stringify({
            id: String(index),
            text: fact.text,
            memories: fact.candidates.map((c) => number(c.id, c.text)),
          }),
        ],
  );
  if (facts.length === 0) return null;
  const lines = memories.map((id, index) => JSON.stringify({ id: String(index), text: texts.get(id) }));
  const user = [EXISTING_MEMORIES_HEADING, ...lines, '', LIFECYCLE_FACTS_HEADING, ...facts];
  return { pair: { system: LIFECYCLE_RULES, user: user.join('\n') }, memories };
}

/** Pairs the request did not offer are ignored; the first action on a memory wins. */
export function parseLifecycle(value: Record<string, unknown>, memories: string[]): LifecycleDecision[] {
  if (!Array.isArray(value.decisions)) throw new InvalidReply('"decisions" is missing or not an array');
  const decisions: LifecycleDecision[] = [];
  const taken = new Set<string>();
  for (const item of value.decisions as unknown[]) {
    const record = (item ?? {}) as Record<string, unknown>;
    const action = typeof record.action === 'string' ? record.action.trim().toLowerCase() : '';
    const fact = Number(record.fact);
    const memoryId = memories[Number(record.memory)];
    if ((action !== 'supersede' && action !== 'merge') || !Number.isInteger(fact) || !memoryId) continue;
    if (taken.has(memoryId)) continue;
    taken.add(memoryId);
    decisions.push({ fact, memoryId, action: action as LifecycleAction });
  }
  return decisions;
}

export function buildSynthesisPrompt(request: SynthesisRequest): PromptPair {
  const lines = request.memories.map((memory, index) => JSON.stringify({ id: String(index), text: memory.text }));
  return { system: SYNTHESIS_RULES, user: [SYNTHESIS_MEMORIES_HEADING, ...lines].join('\n') };
}

/** Sources map back to memory ids; a pattern resting on fewer than three known memories is dropped. */
export function parsePatterns(value: Record<string, unknown>, request: SynthesisRequest): SynthesizedPattern[] {
  if (!Array.isArray(value.patterns)) throw new InvalidReply('"patterns" is missing or not an array');
  return (value.patterns as unknown[]).flatMap((item) => {
    const record = (item ?? {}) as Record<string, unknown>;
    const text = typeof record.text === 'string' ? record.text.trim() : '';
    const sources = Array.isArray(record.sources) ? record.sources : [];
    const ids = [...new Set(sources.map((source) => request.memories[Number(source)]?.id).filter(Boolean))];
    return text && ids.length >= 3 ? [{ text, sourceIds: ids as string[] }] : [];
  });
}
