import { Field } from '../ui';

export interface Condition {
  field: string;
  op: string;
  value: string;
}

export interface FilterForm {
  user_id: string;
  agent_id: string;
  app_id: string;
  run_id: string;
  categories: string;
  from: string;
  to: string;
  conditions: Condition[];
}

export const EMPTY_FILTERS: FilterForm = {
  user_id: '',
  agent_id: '',
  app_id: '',
  run_id: '',
  categories: '',
  from: '',
  to: '',
  conditions: [],
};

const ENTITY_FIELDS = ['user_id', 'agent_id', 'app_id', 'run_id'] as const;
const OPERATORS = ['eq', 'ne', 'in', 'gt', 'gte', 'lt', 'lte', 'contains', 'icontains'];
const FIELDS = [...ENTITY_FIELDS, 'categories', 'created_at', 'updated_at', 'memory', 'metadata.'];

/** A typed value: JSON when it parses (numbers, booleans, lists), else the text itself. */
function valueOf(condition: Condition): unknown {
  if (condition.op === 'in') {
    return condition.value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  }
  try {
    return JSON.parse(condition.value);
  } catch {
    return condition.value;
  }
}

/**
 * The v2 filter language: every field the form sets, ANDed. Searches and lists must name an entity,
 * so without one the filter matches every entity with `*`.
 */
export function buildFilters(form: FilterForm): { AND: unknown[] } {
  const clauses: unknown[] = [];
  for (const field of ENTITY_FIELDS) {
    if (form[field].trim()) {
      clauses.push({ [field]: form[field].trim() });
    }
  }
  if (
    clauses.length === 0 &&
    !form.conditions.some((condition) => (ENTITY_FIELDS as readonly string[]).includes(condition.field))
  ) {
    clauses.push({ OR: ENTITY_FIELDS.map((field) => ({ [field]: '*' })) });
  }
  const categories = form.categories
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  if (categories.length > 0) {
    clauses.push({ categories: { in: categories } });
  }
  if (form.from) {
    clauses.push({ created_at: { gte: form.from } });
  }
  if (form.to) {
    clauses.push({ created_at: { lte: form.to } });
  }
  for (const condition of form.conditions) {
    if (condition.field.trim() && condition.value.trim()) {
      clauses.push({ [condition.field.trim()]: { [condition.op]: valueOf(condition) } });
    }
  }
  return { AND: clauses };
}

export function FilterBuilder({ form, onChange }: { form: FilterForm; onChange: (form: FilterForm) => void }) {
  const set = (patch: Partial<FilterForm>) => onChange({ ...form, ...patch });
  const setCondition = (index: number, patch: Partial<Condition>) =>
    set({
      conditions: form.conditions.map((condition, at) => (at === index ? { ...condition, ...patch } : condition)),
    });
  return (
    <fieldset className="filters">
      <legend>Filters</legend>
      <div className="grid">
        {ENTITY_FIELDS.map((field) => (
          <Field key={field} label={field}>
            <input
              name={`filter-${field}`}
              value={form[field]}
              onChange={(event) => set({ [field]: event.target.value })}
            />
          </Field>
        ))}
        <Field label="categories (comma-separated)">
          <input
            name="filter-categories"
            value={form.categories}
            onChange={(event) => set({ categories: event.target.value })}
          />
        </Field>
        <Field label="created from">
          <input
            name="filter-from"
            type="date"
            value={form.from}
            onChange={(event) => set({ from: event.target.value })}
          />
        </Field>
        <Field label="created until">
          <input name="filter-to" type="date" value={form.to} onChange={(event) => set({ to: event.target.value })} />
        </Field>
      </div>
      <datalist id="filter-fields">
        {FIELDS.map((field) => (
          <option key={field} value={field} />
        ))}
      </datalist>
      {form.conditions.map((condition, index) => (
        <div className="condition" key={index}>
          <input
            list="filter-fields"
            placeholder="field (metadata.topic…)"
            value={condition.field}
            onChange={(event) => setCondition(index, { field: event.target.value })}
          />
          <select value={condition.op} onChange={(event) => setCondition(index, { op: event.target.value })}>
            {OPERATORS.map((op) => (
              <option key={op}>{op}</option>
            ))}
          </select>
          <input
            placeholder={condition.op === 'in' ? 'a, b, c' : 'value (JSON or text)'}
            value={condition.value}
            onChange={(event) => setCondition(index, { value: event.target.value })}
          />
          <button type="button" onClick={() => set({ conditions: form.conditions.filter((_, at) => at !== index) })}>
            Remove
          </button>
        </div>
      ))}
      <div className="row">
        <button
          type="button"
          onClick={() => set({ conditions: [...form.conditions, { field: '', op: 'eq', value: '' }] })}
        >
          Add condition
        </button>
        <button type="button" onClick={() => onChange(EMPTY_FILTERS)}>
          Clear
        </button>
      </div>
      <details>
        <summary>Filter JSON</summary>
        <pre className="json">{JSON.stringify(buildFilters(form), null, 2)}</pre>
      </details>
    </fieldset>
  );
}
