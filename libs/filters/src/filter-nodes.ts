import { EntityField, FilterNode } from './filter.types';

/** Matches every memory of the project: the AND of nothing. */
export const matchAll = (): FilterNode => ({ kind: 'and', children: [] });

export const eq = (field: EntityField, value: string): FilterNode => ({ kind: 'entity', field, op: 'eq', value });

export const isIn = (field: EntityField, values: string[]): FilterNode => ({ kind: 'entity', field, op: 'in', values });

/** The field is set (the `"*"` wildcard). */
export const exists = (field: EntityField): FilterNode => ({ kind: 'entity', field, op: 'exists' });

export const ids = (values: string[]): FilterNode => ({ kind: 'ids', values });

/** AND of the non-null nodes; null when none. */
export function allOf(nodes: (FilterNode | null | undefined)[]): FilterNode | null {
  const present = nodes.filter((node): node is FilterNode => node !== null && node !== undefined);
  if (present.length === 0) {
    return null;
  }
  return present.length === 1 ? present[0] : { kind: 'and', children: present };
}

/** The conditions of one object: a single one stands alone, several are ANDed, none match everything. */
export function conjunction(nodes: FilterNode[]): FilterNode {
  return allOf(nodes) ?? matchAll();
}

export function disjunction(nodes: FilterNode[]): FilterNode {
  return nodes.length === 1 ? nodes[0] : { kind: 'or', children: nodes };
}

export function not(child: FilterNode): FilterNode {
  return { kind: 'not', child };
}

/**
 * Contract 10.4 positive entity scope: an entity equality, `in` or `"*"` is scoped; AND if any child
 * is; OR only if every branch is; nothing under NOT (where `ne` clauses also end up) is.
 */
export function isEntityScoped(node: FilterNode): boolean {
  switch (node.kind) {
    case 'and':
      return node.children.some(isEntityScoped);
    case 'or':
      return node.children.length > 0 && node.children.every(isEntityScoped);
    case 'entity':
      return true;
    default:
      return false;
  }
}
