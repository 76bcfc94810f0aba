// Postgres text cannot hold NUL, and jsonb refuses NUL escapes and unpaired surrogates.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

interface Visit {
  value: unknown;
  step?: string | number;
  parent?: Visit;
}

/** The location of a visited value, rebuilt only when it is refused (paths are not copied per value). */
function pathOf(visit: Visit): (string | number)[] {
  const path: (string | number)[] = [];
  for (let at: Visit | undefined = visit; at?.step !== undefined; at = at.parent) {
    path.push(at.step);
  }
  return path.reverse();
}

/**
 * Where the first key or string the database cannot store sits in a JSON value (`[]` = the value
 * itself), or null when all of it can be stored. Walks without recursion: metadata may nest deep.
 */
export function unstorableTextAt(input: unknown): { path: (string | number)[]; text: string } | null {
  const pending: Visit[] = [{ value: input }];
  while (pending.length > 0) {
    const visit = pending.pop()!;
    if (typeof visit.value === 'string' && UNSTORABLE.test(visit.value)) {
      return { path: pathOf(visit), text: visit.value };
    }
    if (visit.value && typeof visit.value === 'object') {
      const array = Array.isArray(visit.value);
      for (const [key, item] of Object.entries(visit.value)) {
        const step = array ? Number(key) : key;
        pending.push({ value: key, step, parent: visit }, { value: item, step, parent: visit });
      }
    }
  }
  return null;
}
