/** The one sentence a platform-shaped error body carries (`{detail}`, `{error}`, `{message}`, field maps). */
export function sentenceOf(body: unknown): string {
  if (typeof body === 'string') {
    return body;
  }
  if (Array.isArray(body)) {
    return body.map(sentenceOf).join(' ');
  }
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    for (const key of ['detail', 'error', 'message']) {
      if (typeof record[key] === 'string') {
        return record[key];
      }
    }
    const [key, value] = Object.entries(record)[0] ?? ['error', 'Request failed.'];
    return key === 'details' || key === 'non_field_errors' ? sentenceOf(value) : `${key}: ${sentenceOf(value)}`;
  }
  return String(body);
}

export const isJsonParseError = (exception: unknown) =>
  exception instanceof Error && exception.message.startsWith('JSON parse error');
