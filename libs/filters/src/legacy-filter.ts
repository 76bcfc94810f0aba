import { nextDay, parseDateValue } from './dates';
import { allOf } from './filter-nodes';
import { ENTITY_FIELDS, FilterNode } from './filter.types';
import { parseFilter } from './parse-filter';

/** Legacy v1 parameters; an absent, null or empty value is not a condition. */
export interface LegacyParams {
  user_id?: string;
  agent_id?: string;
  app_id?: string;
  run_id?: string;
  categories?: string[];
  metadata?: Record<string, unknown>;
  keywords?: string;
  start_date?: string;
  end_date?: string;
}

/** Contract 10.5: legacy v1 params onto the filter AST; null when nothing is given. Throws FilterError. */
export function legacyFilter(params: LegacyParams): FilterNode | null {
  const conditions: Record<string, unknown> = {};
  for (const field of ENTITY_FIELDS) {
    if (params[field]) {
      conditions[field] = params[field];
    }
  }
  if (params.categories?.length) {
    conditions.categories = { in: params.categories };
  }
  if (params.metadata && Object.keys(params.metadata).length > 0) {
    conditions.metadata = params.metadata;
  }
  if (params.keywords) {
    conditions.keywords = { icontains: params.keywords };
  }
  return allOf([
    Object.keys(conditions).length > 0 ? parseFilter(conditions) : null,
    params.start_date
      ? { kind: 'date', field: 'created_at', op: 'gte', value: parseDateValue(params.start_date, 'start_date') }
      : null,
    params.end_date ? endOf(params.end_date) : null,
  ]);
}

/** A `YYYY-MM-DD` end date includes that whole day. */
function endOf(endDate: string): FilterNode {
  const value = parseDateValue(endDate, 'end_date');
  return value.wholeDay
    ? { kind: 'date', field: 'created_at', op: 'lt', value: nextDay(value) }
    : { kind: 'date', field: 'created_at', op: 'lte', value };
}
