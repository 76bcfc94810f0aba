/** The self-hosted servers take any role name; the engine knows user, assistant and system (others speak as the user). */
export function engineMessages(messages: { role?: string | null; content: string }[]) {
  return messages.map(({ role, content }) => ({
    role: role === 'assistant' || role === 'system' ? role : ('user' as const),
    content,
  }));
}
