import type { SynthesisRequest, SynthesizedPattern } from '../ai.types';

/** A category needs this many memories before it counts as a recurring theme. */
export const MIN_PATTERN_SOURCES = 3;
const MAX_LISTED = 8;
const GENERIC = /^(?:misc|miscellaneous|other|general)$/i;

/*
 * Offline synthesis is a grouping, not an inference: the memories of one category (their first,
 * specific one), when there are enough of them, are listed in one pattern memory by a template.
 */
export function synthesizeOffline(request: SynthesisRequest): SynthesizedPattern[] {
  const groups = new Map<string, SynthesisRequest['memories']>();
  for (const memory of request.memories) {
    const category = memory.categories.find((name) => !GENERIC.test(name.trim()));
    if (category) groups.set(category, [...(groups.get(category) ?? []), memory]);
  }
  return [...groups.entries()]
    .filter(([, members]) => members.length >= MIN_PATTERN_SOURCES)
    .map(([category, members]) => {
      const listed = members.slice(-MAX_LISTED);
      const items = listed.map((memory) => lowerFirst(memory.text.trim().replace(/[.!]+$/, '')));
      return {
        text: `Recurring theme, ${category.replace(/[_-]+/g, ' ')}: ${items.join('; ')}`,
        sourceIds: listed.map((m) => m.id),
      };
    });
}

function lowerFirst(text: string): string {
  return /^\p{Lu}\p{Ll}/u.test(text) ? text[0].toLowerCase() + text.slice(1) : text;
}
