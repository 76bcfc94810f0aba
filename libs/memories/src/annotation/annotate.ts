import { extractDateSpan } from './dates';
import { EntityMention, extractEntities } from './entities';

/** What search reads of a memory beyond its text and vector: whom and what it names, and when it happened. */
export interface Annotation {
  entities: EntityMention[];
  eventStart: Date | null;
  eventEnd: Date | null;
}

/** Annotates a memory's text; relative dates ("yesterday") resolve against when it was said. */
export function annotate(text: string, saidAt: Date): Annotation {
  const span = extractDateSpan(text, saidAt);
  return { entities: extractEntities(text), eventStart: span?.start ?? null, eventEnd: span?.end ?? null };
}
