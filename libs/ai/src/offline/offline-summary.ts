import { NO_MEMORIES_SUMMARY, SummaryRequest } from '../ai.types';
import { stem, tokenize } from './hash-embedder';

/** The summary length estimate, as everywhere in this codebase: 1 token is about 4 characters. */
export const CHARS_PER_TOKEN = 4;

/** Headings of the default categories; other names are turned into words ("pet_care" -> "Pet care"). */
const LABELS: Record<string, string> = {
  personal_details: 'Personal details',
  professional_details: 'Work',
  user_preferences: 'Preferences',
  misc: 'Other',
};

/** Files one memory under a category name (the provider's offline categorisation). */
export type Categorizer = (text: string) => Promise<string>;

interface Item {
  text: string;
  label: string;
}

/**
 * Extractive summary: near-duplicates dropped (the newest wording kept), memories grouped by category
 * in order of each group's newest memory, newest first inside a group, e.g.
 * "Food: Likes ramen; Is vegetarian. Travel: Visited Japan in 2023."
 * With maxTokens, the newest memories that fit are kept; instructions need a real LLM and are ignored.
 */
export async function summarizeOffline(request: SummaryRequest, categorize: Categorizer): Promise<string> {
  const texts = distinctMemories(request.memories);
  if (texts.length === 0) return NO_MEMORIES_SUMMARY;
  const budget = request.maxTokens && request.maxTokens > 0 ? Math.floor(request.maxTokens) * CHARS_PER_TOKEN : null;

  const kept: Item[] = [];
  const labels = new Set<string>();
  let length = 0;
  for (const text of texts) {
    const item = { text, label: labelOf(await categorize(text)) };
    // Exactly what render() adds: "; text" inside a group, " Label: text." for a new one.
    const added = labels.has(item.label)
      ? text.length + 2
      : item.label.length + text.length + 3 + (kept.length ? 1 : 0);
    if (budget !== null && length + added > budget) {
      if (kept.length === 0) return clip(render([item]), budget);
      break;
    }
    kept.push(item);
    labels.add(item.label);
    length += added;
  }
  return render(kept);
}

/** Trimmed, one line each, without trailing punctuation; a repeat of a newer memory (case, punctuation, plurals) is dropped. */
export function distinctMemories(memories: string[]): string[] {
  const seen = new Set<string>();
  const texts: string[] = [];
  for (const memory of memories) {
    const text = memory
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/[\s.;,!]+$/, '');
    const key = duplicateKey(text);
    if (!key || seen.has(key)) continue;
    seen.add(key);
    texts.push(text);
  }
  return texts;
}

/* "User likes ramen." and "likes Ramen" are the same memory. */
function duplicateKey(text: string): string {
  const words = tokenize(text);
  if (words[0] === 'the' && words[1] === 'user') words.splice(0, 2);
  else if (words[0] === 'user') words.splice(0, 1);
  return words.map(stem).join(' ');
}

function labelOf(category: string): string {
  const name = category.trim().toLowerCase();
  const words = LABELS[name] ?? name.replace(/[_-]+/g, ' ').trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : LABELS.misc;
}

function render(items: Item[]): string {
  const groups = new Map<string, string[]>();
  for (const item of items) {
    const group = groups.get(item.label);
    if (group) group.push(item.text);
    else groups.set(item.label, [item.text]);
  }
  return [...groups].map(([label, texts]) => `${label}: ${texts.join('; ')}.`).join(' ');
}

/** Cuts at a word boundary and marks the cut. */
function clip(text: string, budget: number): string {
  if (text.length <= budget) return text;
  const cut = text.slice(0, Math.max(1, budget - 1));
  const space = cut.lastIndexOf(' ');
  return `${space > budget / 2 ? cut.slice(0, space) : cut}…`;
}
