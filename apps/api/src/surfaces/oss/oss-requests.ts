import { AppError, ErrorCode, isObject } from '@app/core';
import { allOf, FILTER_KEYS, FilterError, FilterNode, isEntityScoped, legacyFilter, parseFilter } from '@app/filters';
import { Scope, SEARCH_DEFAULTS } from '@app/memories';
import { OssIds } from './oss.schemas';

/** The OSS library's checks on ids, dates and filters, with its messages, as 400 `{"detail"}` answers. */

export const SEARCH_SCOPE_REQUIRED =
  "filters must contain at least one of: user_id, agent_id, run_id. Example: filters={'user_id': 'u1'}";

const ENTITY_KEYS = ['user_id', 'agent_id', 'run_id'] as const;

export type EntityIds = Partial<Record<(typeof ENTITY_KEYS)[number], string>>;

export const badRequest = (detail: string) => AppError.detail(ErrorCode.BadRequest, detail);

/** Trimmed; blank ones and ones with inner whitespace refused (mem0 `_validate_and_trim_entity_id`). */
function entityId(value: string, name: string): string {
  const trimmed = value.trim();
  if (trimmed === '') {
    throw badRequest(`Invalid ${name}: cannot be empty or whitespace-only. Provide a valid identifier.`);
  }
  if (/\s/.test(trimmed)) {
    throw badRequest(`Invalid ${name}: cannot contain whitespace. Provide a valid identifier without spaces.`);
  }
  return trimmed;
}

/**
 * The ids given, validated. `emptyIsAbsent`: query strings, where upstream skips empty values; in a
 * body an empty string is an invalid id.
 */
export function entityIds(source: OssIds, emptyIsAbsent = false): EntityIds {
  const ids: EntityIds = {};
  for (const key of ENTITY_KEYS) {
    const value = source[key];
    if (value !== null && value !== undefined && !(emptyIsAbsent && value === '')) {
      ids[key] = entityId(value, key);
    }
  }
  return ids;
}

export const hasId = (ids: OssIds) => ENTITY_KEYS.some((key) => Boolean(ids[key]));

export const toScope = (ids: EntityIds): Scope => ({
  userId: ids.user_id ?? null,
  agentId: ids.agent_id ?? null,
  runId: ids.run_id ?? null,
});

/** `YYYY-MM-DD` naming a real day (mem0 `_normalize_expiration_date`). */
export function expirationDate(value: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const day = match ? new Date(`${value}T00:00:00Z`) : null;
  if (!day || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== value) {
    throw badRequest('expiration_date must be a valid date in YYYY-MM-DD format.');
  }
  return value;
}

/** Keys the platform's filter language gives a meaning of its own; in mem0 any other key is a metadata field. */
const PLATFORM_FIELDS = new Set<string>(FILTER_KEYS);

/** mem0's `{"user_id": "a", "food": "pizza"}` as the platform's `{"user_id": "a", "metadata.food": "pizza"}`. */
function platformFilter(filters: Record<string, unknown>): Record<string, unknown> {
  const nested = (value: unknown): unknown => (isObject(value) ? platformFilter(value) : value);
  return Object.fromEntries(
    Object.entries(filters).map(([key, value]) => {
      if (key === 'AND' || key === 'OR' || key === 'NOT') {
        return [key, Array.isArray(value) ? value.map(nested) : nested(value)];
      }
      return [PLATFORM_FIELDS.has(key) || key.startsWith('metadata.') ? key : `metadata.${key}`, value];
    }),
  );
}

/** `POST /search`: `filters` ANDed with the deprecated top-level ids; some entity must be scoped. */
export function searchFilter(filters: Record<string, unknown> | null | undefined, ids: EntityIds): FilterNode {
  try {
    const filter = allOf([filters ? parseFilter(platformFilter(filters)) : null, legacyFilter(ids)]);
    if (!filter || !isEntityScoped(filter)) {
      throw badRequest(SEARCH_SCOPE_REQUIRED);
    }
    return filter;
  } catch (error) {
    throw error instanceof FilterError ? badRequest(error.message) : error;
  }
}

/** mem0's search parameter checks (`_validate_search_params`, `_validate_and_trim_search_query`). */
export function searchParams(query: string, topK: number | null | undefined, threshold: number | null | undefined) {
  const trimmed = query.trim();
  if (!trimmed) {
    throw badRequest('Invalid query: cannot be empty or whitespace-only.');
  }
  if (threshold !== null && threshold !== undefined && (threshold < 0 || threshold > 1)) {
    throw badRequest(`Invalid threshold: ${threshold}. Must be between 0 and 1 (inclusive).`);
  }
  if (topK !== null && topK !== undefined && topK < 0) {
    throw badRequest(`Invalid top_k: ${topK}. Must be a non-negative integer.`);
  }
  return {
    query: trimmed,
    topK: topK ?? SEARCH_DEFAULTS.ossTopK,
    threshold: threshold ?? SEARCH_DEFAULTS.ossThreshold,
  };
}
