import { ChatMessage } from '@app/ai';

export const DOCUMENT_TYPES = ['pdf_url', 'txt_url', 'mdx_url'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];
export type MediaType = 'image_url' | DocumentType;

/** An image or a document of an add's message, read into text before extraction. */
export interface MediaPart {
  /** Position of its message in the add. */
  message: number;
  /** Where it was in the request, for errors: `messages[1].content[0]`. */
  path: string;
  type: MediaType;
  /** http(s) or data: URL; a document may also be bare base64. */
  url: string;
}

/** Input the add cannot take; `tooLarge` when it is about size (413) rather than shape (400). */
export class ContentRefusal extends Error {
  override name = 'ContentRefusal';
  constructor(
    message: string,
    readonly tooLarge = false,
  ) {
    super(message);
  }
}

export interface ReadMessages {
  messages: ChatMessage[];
  media: MediaPart[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

export const isWebUrl = (url: string): boolean => /^https?:\/\//i.test(url);

/**
 * Reads each message's content: a string, one content part (`{type, ...}`) or an OpenAI-style list of
 * them. Text parts are joined into the message's text; images and documents are listed for reading.
 */
export function readMessages(
  messages: { role: ChatMessage['role']; content: unknown; name?: string }[],
  infer: boolean,
): ReadMessages {
  const read: ChatMessage[] = [];
  const media: MediaPart[] = [];
  messages.forEach((message, index) => {
    const base = { role: message.role, ...(message.name ? { name: message.name } : {}) };
    if (typeof message.content === 'string') {
      read.push({ ...base, content: message.content });
      return;
    }
    if (!infer) {
      throw new ContentRefusal('Structured (multimodal) content requires infer=true.');
    }
    const list = Array.isArray(message.content) ? message.content : [message.content];
    const where = Array.isArray(message.content) ? (part: number) => `[${part}]` : () => '';
    if (list.length === 0) {
      throw new ContentRefusal(`messages[${index}].content: an empty list of content parts`);
    }
    const texts: string[] = [];
    list.forEach((part, position) => {
      const path = `messages[${index}].content${where(position)}`;
      const found = readPart(part, path);
      if (typeof found === 'string') {
        texts.push(found);
      } else {
        media.push({ message: index, path, ...found });
      }
    });
    read.push({ ...base, content: texts.join('\n') });
  });
  return { messages: read, media };
}

/** A text part's text, or the media it names. */
function readPart(part: unknown, path: string): string | Pick<MediaPart, 'type' | 'url'> {
  if (!isRecord(part) || typeof part.type !== 'string') {
    throw new ContentRefusal(
      `${path}: a content part is an object with a "type" (text, image_url, ${DOCUMENT_TYPES.join(', ')})`,
    );
  }
  const { type } = part;
  if (type === 'text') {
    if (typeof part.text !== 'string') {
      throw new ContentRefusal(`${path}: a text part needs "text" as a string`);
    }
    return part.text;
  }
  if (type !== 'image_url' && !(DOCUMENT_TYPES as readonly string[]).includes(type)) {
    throw new ContentRefusal(`${path}: unsupported content type "${type}"`);
  }
  const value = part[type];
  const url = typeof value === 'string' ? value : isRecord(value) ? value.url : undefined;
  if (typeof url !== 'string' || !url.trim()) {
    throw new ContentRefusal(`${path}: ${type} needs {"url": "..."} (an http(s) URL or base64 data)`);
  }
  if (type === 'image_url' && !isWebUrl(url) && !/^data:image\/[\w.+-]+;base64,/i.test(url)) {
    throw new ContentRefusal(`${path}: image_url must be an http(s) URL or a data:image/...;base64, URL`);
  }
  return { type: type as MediaType, url: url.trim() };
}
