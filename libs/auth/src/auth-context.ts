import { Role } from '@app/core';

/** The tenant and identity of a request, resolved from its API key (and contract 2.3 overrides). */
export interface AuthContext {
  keyId: string;
  userId: string;
  userEmail: string;
  orgId: string;
  projectId: string;
  role: Role;
}
