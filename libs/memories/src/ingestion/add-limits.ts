import { AddLimits } from '@app/core';

/** An add over one of the configured caps; `tooLarge` when it is about size (413) rather than count (400). */
export interface AddLimitProblem {
  field: string;
  sentence: string;
  tooLarge: boolean;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** A message's text: a string, or the `text` of a content object. */
function contentText(message: unknown): string | undefined {
  const content = isRecord(message) ? message.content : undefined;
  const text = isRecord(content) ? content.text : content;
  return typeof text === 'string' ? text : undefined;
}

function tooLong(field: string, text: string | undefined, limits: AddLimits): AddLimitProblem | null {
  if (text === undefined || text.length <= limits.maxMessageChars) {
    return null;
  }
  const sentence = `${field}: at most ${limits.maxMessageChars} characters per message (ADD_MAX_MESSAGE_CHARS), got ${text.length}`;
  return { field, sentence, tooLarge: true };
}

/**
 * The first cap an add body goes over, read from the body as sent (before validation, so a huge add
 * costs no more than this look): `messages` (a list, one message or a bare string), the Memory
 * Service's `text`, and `metadata`. Malformed values are left to the route's validation.
 */
export function addLimitProblem(body: unknown, limits: AddLimits): AddLimitProblem | null {
  if (!isRecord(body)) {
    return null;
  }
  const { messages, metadata } = body;
  if (Array.isArray(messages) && messages.length > limits.maxMessages) {
    const sentence = `messages: at most ${limits.maxMessages} messages per add (ADD_MAX_MESSAGES), got ${messages.length}`;
    return { field: 'messages', sentence, tooLarge: false };
  }
  if (isRecord(metadata)) {
    const bytes = Buffer.byteLength(JSON.stringify(metadata), 'utf8');
    if (bytes > limits.maxMetadataBytes) {
      const sentence = `metadata: at most ${limits.maxMetadataBytes} bytes of JSON (ADD_MAX_METADATA_BYTES), got ${bytes}`;
      return { field: 'metadata', sentence, tooLarge: true };
    }
  }
  if (typeof body.text === 'string') {
    const problem = tooLong('text', body.text, limits);
    if (problem) {
      return problem;
    }
  }
  if (typeof messages === 'string') {
    return tooLong('messages', messages, limits);
  }
  const list = Array.isArray(messages) ? messages : isRecord(messages) ? [messages] : [];
  for (const [index, message] of list.entries()) {
    const field = Array.isArray(messages) ? `messages.${index}.content` : 'messages.content';
    const problem = tooLong(field, contentText(message), limits);
    if (problem) {
      return problem;
    }
  }
  return null;
}
