import { AddMemoriesDto } from '@app/memories';

/** One conversation message as every self-hosted server's add takes it (JSON Schema). */
export const MESSAGE_SCHEMA = {
  type: 'object',
  required: ['role', 'content'],
  properties: { role: { type: 'string' }, content: { type: 'string' } },
};

/** What the self-hosted servers' add routes take, once each has read its own body. */
export interface SurfaceAdd {
  messages: { role?: string | null; content: string }[];
  user_id?: string | null;
  agent_id?: string | null;
  run_id?: string | null;
  metadata?: Record<string, unknown> | null;
  infer?: boolean | null;
  expiration_date?: string;
}

/**
 * The engine's add request for a self-hosted server's add. Those servers take any role name; the
 * engine knows user, assistant and system (others speak as the user). Nulls mean "not given".
 */
export function engineAdd(add: SurfaceAdd): AddMemoriesDto {
  return {
    messages: add.messages.map(({ role, content }) => ({
      role: role === 'assistant' || role === 'system' ? role : 'user',
      content,
    })),
    user_id: add.user_id ?? undefined,
    agent_id: add.agent_id ?? undefined,
    run_id: add.run_id ?? undefined,
    metadata: add.metadata ?? undefined,
    infer: add.infer ?? true,
    expiration_date: add.expiration_date,
  } as AddMemoriesDto;
}
