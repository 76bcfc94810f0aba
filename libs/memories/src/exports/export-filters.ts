import { AppError, ErrorCode, isObject } from '@app/core';
import { ENTITY_FIELDS, FilterNode } from '@app/filters';

/** Contract 7.6 (create) and 7.7 (read) refusals of a filter that scopes no entity. */
export const EXPORT_SCOPE_REQUIRED =
  'One of the filters: app_id, user_id, agent_id, run_id, memory_export_id is required!';
export const EXPORT_GET_SCOPE_REQUIRED = 'One of the filters: app_id, user_id, agent_id, run_id is required!';

/** A JSON object given as an object or as JSON text (Python type-hints some of these as `str`); else undefined. */
export function objectOrJson(value: unknown): Record<string, unknown> | undefined {
  if (typeof value === 'string') {
    try {
      const parsed: unknown = JSON.parse(value);
      return isObject(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  return isObject(value) ? value : undefined;
}

/**
 * The body's `filters` with flat entity keys of the body ANDed in (Python passes
 * `user_id=...` as a keyword); null when there is neither. Structured and flat filters both stay as sent.
 */
export function mergedExportFilters(body: Record<string, unknown>): Record<string, unknown> | null {
  let filters: Record<string, unknown> | undefined;
  if (body.filters !== undefined && body.filters !== null) {
    filters = objectOrJson(body.filters);
    if (!filters) {
      throw AppError.error(ErrorCode.BadRequest, 'filters must be an object');
    }
  }
  const kwargs: Record<string, string> = {};
  for (const key of ENTITY_FIELDS) {
    const value = body[key];
    if (value === undefined || value === null || value === '') {
      continue;
    }
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw AppError.error(ErrorCode.BadRequest, `${key} must be a string`);
    }
    kwargs[key] = String(value);
  }
  const parts = [filters, Object.keys(kwargs).length ? kwargs : undefined].filter(
    (part): part is Record<string, unknown> => part !== undefined && Object.keys(part).length > 0,
  );
  if (parts.length === 0) {
    return null;
  }
  return parts.length === 1 ? parts[0] : { AND: parts };
}

/**
 * What a filter says about entity ids, in a canonical form: `{"user_id": "a"}` and
 * `{"AND": [{"user_id": "a"}, {"created_at": ...}]}` give the same key. Exports are looked up by it.
 */
export function entityKey(node: FilterNode): string {
  return JSON.stringify(entityPart(node));
}

function entityPart(node: FilterNode): unknown {
  switch (node.kind) {
    case 'entity':
      return node.op === 'in'
        ? [node.field, 'in', [...new Set(node.values)].sort()]
        : [node.field, node.op, node.op === 'eq' ? node.value : '*'];
    case 'and':
    case 'or': {
      const parts = new Map<string, unknown>();
      for (const child of node.children) {
        const part = entityPart(child);
        // Nested junctions of the same kind flatten: AND(a, AND(b, c)) = AND(a, b, c).
        const flat = Array.isArray(part) && part[0] === node.kind ? (part[1] as unknown[]) : [part];
        for (const item of flat) {
          if (item !== null) {
            parts.set(JSON.stringify(item), item);
          }
        }
      }
      const sorted = [...parts.keys()].sort().map((key) => parts.get(key));
      return sorted.length === 0 ? null : sorted.length === 1 ? sorted[0] : [node.kind, sorted];
    }
    default:
      return null;
  }
}
