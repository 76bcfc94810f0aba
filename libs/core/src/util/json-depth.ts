const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPENERS = new Set([0x5b, 0x7b]);
const CLOSERS = new Set([0x5d, 0x7d]);

/**
 * Whether JSON text nests objects and arrays more than `max` levels deep. It scans the text instead of
 * parsing it, so a hostile document is refused before the parser, validators or any recursive walk
 * (class-transformer, structuredClone, Prisma) builds or descends into it.
 */
export function jsonNestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === BACKSLASH) {
        index++;
      } else if (char === QUOTE) {
        inString = false;
      }
    } else if (char === QUOTE) {
      inString = true;
    } else if (OPENERS.has(char)) {
      if (++depth > max) {
        return true;
      }
    } else if (CLOSERS.has(char)) {
      depth--;
    }
  }
  return false;
}

/** The one sentence every refusal of too deep JSON carries, naming the setting that caps it. */
export const jsonTooDeep = (max: number) => `JSON nested deeper than ${max} levels (JSON_MAX_DEPTH)`;
