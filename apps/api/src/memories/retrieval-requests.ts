import { AppError, ErrorCode, isObject } from '@app/core';
import {
  allOf,
  ENTITY_FIELDS,
  EntityField,
  FilterNode,
  isEntityScoped,
  LegacyParams,
  legacyFilter,
  parseFilter,
} from '@app/filters';
import { ListMemoriesDto, RetrievalOptionsDto, RetrievalScope } from '@app/memories';
import { metadataFromQuery } from './query-params';

/**
 * How each API version turns its request into one filter: v3 wants
 * entity ids inside `filters`; v2 ANDs top-level ids into `filters`; v1 takes flat parameters.
 */

export const V3_SCOPE_REQUIRED =
  'At least one entity filter (user_id, agent_id, app_id, run_id) is required in filters.';
export const V2_SCOPE_REQUIRED = 'One of the filters: app_id, user_id, agent_id, run_id is required!';
export const V1_SEARCH_SCOPE_REQUIRED = 'At least one of the filters: agent_id, user_id, app_id, run_id is required!';

const bad = (message: string) => AppError.error(ErrorCode.BadRequest, message);

/** Top-level entity ids as strings (numbers are stringified; anything else is refused). */
function entityParams(source: Record<string, unknown>): Partial<Record<EntityField, string>> {
  const params: Partial<Record<EntityField, string>> = {};
  for (const key of ENTITY_FIELDS) {
    const value = source[key];
    if (value === undefined || value === null || value === '') {
      continue;
    }
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw bad(`${key} must be a string`);
    }
    params[key] = String(value);
  }
  return params;
}

function extras(dto: RetrievalOptionsDto & Partial<Pick<ListMemoriesDto, 'keywords' | 'start_date' | 'end_date'>>) {
  return legacyFilter({
    categories: dto.categories?.length ? dto.categories : undefined,
    metadata: dto.metadata && Object.keys(dto.metadata).length ? dto.metadata : undefined,
    keywords: dto.keywords || undefined,
    start_date: dto.start_date || undefined,
    end_date: dto.end_date || undefined,
  });
}

function visibility(dto: RetrievalOptionsDto): Omit<RetrievalScope, 'filter'> {
  return { showExpired: dto.show_expired, latestOnly: dto.latest_only, includeMerged: dto.include_merged };
}

/** The error is built only when thrown: building one captures a stack trace, on every search otherwise. */
function scoped(filter: FilterNode | null, error: () => AppError): FilterNode {
  if (!filter || !isEntityScoped(filter)) {
    throw error();
  }
  return filter;
}

/** v3 list and search: `filters` required, entity ids only inside it. */
export function v3Scope(dto: ListMemoriesDto | RetrievalOptionsDto): RetrievalScope {
  if (ENTITY_FIELDS.some((key) => dto[key] !== undefined)) {
    throw bad('Entity ids (user_id, agent_id, app_id, run_id) must be passed inside filters, not at the top level.');
  }
  if (!isObject(dto.filters)) {
    throw bad('filters is required and must be an object.');
  }
  const filter = allOf([parseFilter(dto.filters), extras(dto)]);
  return { filter: scoped(filter, () => bad(V3_SCOPE_REQUIRED)), ...visibility(dto) };
}

/** v2 list and search: `filters` required; legacy top-level entity ids are ANDed into it. */
export function v2Scope(dto: ListMemoriesDto | RetrievalOptionsDto): RetrievalScope {
  if (dto.filters !== undefined && dto.filters !== null && !isObject(dto.filters)) {
    throw AppError.message(ErrorCode.BadRequest, 'filters must be an object.');
  }
  const filter = allOf([
    isObject(dto.filters) ? parseFilter(dto.filters) : null,
    legacyFilter(entityParams(dto as unknown as Record<string, unknown>)),
    extras(dto),
  ]);
  return {
    filter: scoped(filter, () => AppError.message(ErrorCode.BadRequest, V2_SCOPE_REQUIRED)),
    ...visibility(dto),
  };
}

/** v1 search: flat entity ids (at least one), metadata and categories; `filters` ANDed if present. */
export function v1SearchScope(dto: RetrievalOptionsDto): RetrievalScope {
  const ids = entityParams(dto as unknown as Record<string, unknown>);
  if (Object.keys(ids).length === 0 && !isObject(dto.filters)) {
    throw AppError.message(ErrorCode.BadRequest, V1_SEARCH_SCOPE_REQUIRED);
  }
  const filter = allOf([isObject(dto.filters) ? parseFilter(dto.filters) : null, legacyFilter(ids), extras(dto)]);
  return {
    filter: scoped(filter, () => AppError.message(ErrorCode.BadRequest, V1_SEARCH_SCOPE_REQUIRED)),
    ...visibility(dto),
  };
}

const listOf = (value: unknown): string[] | undefined => {
  const items = (Array.isArray(value) ? value : value === undefined ? [] : [value])
    .flatMap((item) => String(item).split(','))
    .map((item) => item.trim())
    .filter(Boolean);
  return items.length ? items : undefined;
};

/** `GET /v1/memories/` query parameters. */
export function v1ListScope(query: Record<string, unknown>): RetrievalScope & { fields?: string[] } {
  const ids = entityParams(query);
  if (Object.keys(ids).length === 0) {
    throw AppError.listed(ErrorCode.BadRequest, V2_SCOPE_REQUIRED);
  }
  const text = (key: string) =>
    typeof query[key] === 'string' && query[key] !== '' ? (query[key] as string) : undefined;
  const params: LegacyParams = {
    ...ids,
    categories: listOf(query.categories),
    metadata: metadataFromQuery(query) ?? undefined,
    keywords: text('keywords'),
    start_date: text('start_date'),
    end_date: text('end_date'),
  };
  const truthy = (key: string) => query[key] === 'true' || query[key] === '1';
  return {
    filter: legacyFilter(params)!,
    showExpired: truthy('show_expired'),
    fields: listOf(query.fields),
  };
}

/** `fields`: each result keeps only these keys (all keys when absent or empty), and always its `id` to act on. */
export function project<T extends Record<string, unknown>>(item: T, fields: string[] | undefined): Partial<T> {
  if (!fields?.length) {
    return item;
  }
  const kept = ['id', ...fields.filter((key) => key !== 'id')];
  return Object.fromEntries(kept.filter((key) => key in item).map((key) => [key, item[key]])) as Partial<T>;
}
