import { Category, DEFAULT_CATEGORIES } from '@app/ai';

/** `[{name: description}]` or bare names (project settings, per-call overrides) as a catalog. */
export function toCatalog(raw: unknown): Category[] | null {
  if (!Array.isArray(raw) || raw.length === 0) {
    return null;
  }
  const categories = raw.flatMap((item): Category[] => {
    if (typeof item === 'string') {
      return [{ name: item, description: item }];
    }
    if (item && typeof item === 'object') {
      return Object.entries(item as Record<string, unknown>).map(([name, description]) => ({
        name,
        description: typeof description === 'string' ? description : name,
      }));
    }
    return [];
  });
  return categories.length > 0 ? categories : null;
}

/**
 * Per-call catalog > project catalog > the default 15. The per-call one is already
 * normalised (the add request stores `toCatalog`'s output); the project's is kept as the client sent it.
 */
export function activeCatalog(perCall: Category[] | null | undefined, project: unknown): Category[] {
  return (perCall?.length ? perCall : null) ?? toCatalog(project) ?? DEFAULT_CATEGORIES;
}
