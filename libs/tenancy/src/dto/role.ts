import { Role } from '@app/core';

/** Roles arrive in any case; `MEMBER` (org member) is stored as READER. */
export function normalizeRole({ value }: { value: unknown }): unknown {
  if (typeof value !== 'string') {
    return value;
  }
  const upper = value.trim().toUpperCase();
  return upper === 'MEMBER' ? Role.READER : upper;
}

export const ROLES = [Role.OWNER, Role.READER];
export const ROLE_MESSAGE = 'Role must be one of READER, OWNER.';
export const REQUIRED = 'This field is required.';
