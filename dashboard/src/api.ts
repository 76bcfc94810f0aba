/** The REST API of the server that serves this page, called with the signed-in key. */

const KEY_STORAGE = 'mem0.dashboard.key';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const storedKey = (): string | null => sessionStorage.getItem(KEY_STORAGE);
export const storeKey = (key: string | null): void =>
  key ? sessionStorage.setItem(KEY_STORAGE, key) : sessionStorage.removeItem(KEY_STORAGE);

let onUnauthorized: () => void = () => undefined;
/** Called when the key stops working (revoked, or its user removed): the app signs out. */
export const setUnauthorizedHandler = (handler: () => void): void => {
  onUnauthorized = handler;
};

/** The platform answers errors in several shapes: {detail}, {message}, {error}, {field: [problems]}. */
export function describeError(body: unknown): string {
  if (typeof body === 'string') {
    return body;
  }
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    for (const key of ['detail', 'message', 'error']) {
      if (typeof record[key] === 'string') {
        return record[key] as string;
      }
    }
    return Object.entries(record.errors ?? record)
      .map(
        ([field, problems]) => `${field}: ${Array.isArray(problems) ? problems.join(' ') : JSON.stringify(problems)}`,
      )
      .join('; ');
  }
  return 'Request failed.';
}

export async function api<T = unknown>(method: string, path: string, body?: unknown, key = storedKey()): Promise<T> {
  const headers: Record<string, string> = { Authorization: `Token ${key ?? ''}` };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = text;
  }
  if (!response.ok) {
    if (response.status === 401 && key === storedKey()) {
      onUnauthorized();
    }
    throw new ApiError(response.status, `${response.status}: ${describeError(data)}`);
  }
  return data as T;
}

export interface Paged<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

export interface Memory {
  id: string;
  memory: string;
  user_id: string | null;
  agent_id: string | null;
  app_id: string | null;
  run_id: string | null;
  categories: string[] | null;
  metadata: Record<string, unknown> | null;
  created_at: string;
  updated_at: string;
  score?: number;
  score_breakdown?: Record<string, unknown> | null;
}

export interface Session {
  key: string;
  orgId: string;
  projectId: string;
  email: string;
  role: 'OWNER' | 'READER';
  projectName: string;
}

/** Who the key is: its org and project (ping), then its role there (the project's user_role). */
export async function signIn(key: string): Promise<Session> {
  const ping = await api<{ org_id: string; project_id: string; user_email: string }>(
    'GET',
    '/v1/ping/',
    undefined,
    key,
  );
  const project = await api<{ name: string; user_role: 'OWNER' | 'READER' }>(
    'GET',
    projectPath({ orgId: ping.org_id, projectId: ping.project_id }),
    undefined,
    key,
  );
  return {
    key,
    orgId: ping.org_id,
    projectId: ping.project_id,
    email: ping.user_email,
    role: project.user_role,
    projectName: project.name,
  };
}

export const projectPath = (session: Pick<Session, 'orgId' | 'projectId'>) =>
  `/api/v1/orgs/organizations/${session.orgId}/projects/${session.projectId}/`;
export const orgPath = (session: Pick<Session, 'orgId'>) => `/api/v1/orgs/organizations/${session.orgId}/`;
