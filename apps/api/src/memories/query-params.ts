import { AppError, ErrorCode } from '@app/core';
import { DeleteSelector } from '@app/memories';
import { pythonLiteralAsJson } from './python-literal';

const ENTITY_PARAMS = { user_id: 'userId', agent_id: 'agentId', app_id: 'appId', run_id: 'runId' } as const;

function parseObject(text: string | null): Record<string, unknown> | null {
  try {
    const parsed: unknown = text === null ? null : JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A JSON object, or the Python literal the official Python client sends for a dict. */
function parseJsonObject(raw: unknown, name: string): Record<string, unknown> | null {
  if (raw === undefined || raw === '') {
    return null;
  }
  if (typeof raw === 'object' && raw !== null) {
    return raw as Record<string, unknown>;
  }
  const parsed = parseObject(String(raw)) ?? parseObject(pythonLiteralAsJson(String(raw)));
  if (parsed) {
    return parsed;
  }
  throw AppError.error(ErrorCode.BadRequest, `${name} must be a JSON object`);
}

/** `metadata` as a JSON string or deepObject `metadata[key]=value` query parameters. */
export function metadataFromQuery(query: Record<string, unknown>): Record<string, unknown> | null {
  const deep = Object.entries(query)
    .map(([key, value]) => [/^metadata\[(.+)\]$/.exec(key)?.[1], value] as const)
    .filter(([key]) => key !== undefined);
  if (deep.length > 0) {
    return Object.fromEntries(deep);
  }
  return parseJsonObject(query.metadata, 'metadata');
}

/** Query of `DELETE /v1/memories/`, including the `filters` JSON some clients send. */
export function deleteSelectorFromQuery(query: Record<string, unknown>): DeleteSelector {
  const filters = parseJsonObject(query.filters, 'filters') ?? {};
  const selector: DeleteSelector = { scope: {}, metadata: metadataFromQuery(query) };
  for (const [param, key] of Object.entries(ENTITY_PARAMS)) {
    const value = query[param] ?? filters[param];
    if (typeof value === 'string' && value !== '') {
      selector.scope[key] = value;
    }
  }
  return selector;
}
