import { Role } from '@app/core';

/** The tenant and identity of a request, resolved from its API key (or the project an old client's org_id/project_id selects). */
export interface AuthContext {
  keyId: string;
  userId: string;
  userEmail: string;
  orgId: string;
  projectId: string;
  role: Role;
}
