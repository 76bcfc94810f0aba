type Headers = Record<string, string | string[] | undefined>;

const SCHEME = /^(Token|Bearer|Api-Key)\s+(\S+)\s*$/i;

/**
 * The API key of a request: `Authorization: Token <key>` (official clients), `Bearer <key>` or
 * `X-API-Key: <key>` (self-hosted servers' clients). Null when none is presented.
 */
export function extractApiKey(headers: Headers): string | null {
  const authorization = first(headers.authorization);
  const match = authorization ? SCHEME.exec(authorization.trim()) : null;
  if (match) {
    return match[2];
  }
  const apiKey = first(headers['x-api-key'])?.trim();
  return apiKey ? apiKey : null;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
