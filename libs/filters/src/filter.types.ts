/** A filter the caller got wrong; `message` is the exact text of the 400 the route returns. */
export class FilterError extends Error {
  override name = 'FilterError';
}

export const ENTITY_FIELDS = ['user_id', 'agent_id', 'app_id', 'run_id'] as const;
export type EntityField = (typeof ENTITY_FIELDS)[number];

/** `timestamp` is parsed onto `created_at`. */
export type DateField = 'created_at' | 'updated_at' | 'expiration_date';
export type DateOp = 'eq' | 'gt' | 'gte' | 'lt' | 'lte';

/** An instant with an explicit UTC offset, in a form Postgres parses; `wholeDay` when the input was `YYYY-MM-DD`. */
export interface DateValue {
  iso: string;
  wholeDay: boolean;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface AndNode {
  kind: 'and';
  children: FilterNode[];
}

export interface OrNode {
  kind: 'or';
  children: FilterNode[];
}

/** Two-valued: a row the child does not match (including through NULLs) matches the NOT. */
export interface NotNode {
  kind: 'not';
  child: FilterNode;
}

export type EntityNode =
  | { kind: 'entity'; field: EntityField; op: 'eq'; value: string }
  | { kind: 'entity'; field: EntityField; op: 'in'; values: string[] }
  | { kind: 'entity'; field: EntityField; op: 'exists' };

/** `eq` on a whole-day value matches that UTC day; `ne` and `in` are parsed into NOT and OR. */
export interface DateNode {
  kind: 'date';
  field: DateField;
  op: DateOp;
  value: DateValue;
}

export type CategoriesNode =
  { kind: 'categories'; op: 'in'; values: string[] } | { kind: 'categories'; op: 'contains'; value: string };

export interface MetadataNode {
  kind: 'metadata';
  key: string;
  op: 'eq' | 'contains' | 'icontains';
  value: JsonValue;
}

/** Substring of the memory text (`keywords`, `text`, `keywords_search`). */
export interface TextNode {
  kind: 'text';
  op: 'contains' | 'icontains';
  value: string;
}

export interface IdsNode {
  kind: 'ids';
  values: string[];
}

export type FilterNode =
  AndNode | OrNode | NotNode | EntityNode | DateNode | CategoriesNode | MetadataNode | TextNode | IdsNode;
