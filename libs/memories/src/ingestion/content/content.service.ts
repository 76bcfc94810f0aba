import { Inject, Injectable } from '@nestjs/common';
import {
  compileJsonSchema,
  InvalidSchemaError,
  JsonSchema,
  LLM_PROVIDER,
  LlmProvider,
  TokenUsage,
  VISION_MODEL,
  VisionModel,
} from '@app/ai';
import { AppConfig } from '@app/core';
import { AddRequest } from '../../memory/memory.types';
import { EventsRepository } from '../../events/events.repository';
import { ContentRefusal, DocumentType, isWebUrl, MediaPart } from './content-parts';
import { fetchDocument, FetchLimits } from './document-fetch';
import { decodeBase64, documentText } from './document-text';

/** Bytes of a structured_data_schema as JSON (the export routes' cap). */
const MAX_SCHEMA_BYTES = 64 * 1024;
/** Where the filled structured_data_schema goes in each memory's metadata. */
export const STRUCTURED_DATA_KEY = 'structured_data';

/**
 * Images, documents and structured_data_schema of adds. On the request path (prepare) parts are
 * checked and base64 documents read; on the worker (resolve) images are described, documents
 * downloaded and read, and the schema filled, so extraction sees only text.
 */
@Injectable()
export class ContentService {
  private readonly limits: FetchLimits;

  constructor(
    config: AppConfig,
    @Inject(VISION_MODEL) private readonly vision: VisionModel | null,
    @Inject(LLM_PROVIDER) private readonly llm: LlmProvider,
    private readonly events: EventsRepository,
  ) {
    const { env } = config;
    this.limits = {
      maxBytes: env.DOCUMENT_MAX_BYTES,
      timeoutMs: env.DOCUMENT_FETCH_TIMEOUT_MS,
      allowPrivate: env.DOCUMENTS_ALLOW_PRIVATE_URLS,
    };
  }

  /** Refuses what the worker could not read; base64 documents become text now, URLs stay for the worker. */
  async prepare(request: AddRequest): Promise<AddRequest> {
    if (request.structuredDataSchema) {
      checkSchema(request.structuredDataSchema);
    }
    const media = request.media ?? [];
    const messages = request.messages.map((message) => ({ ...message }));
    const later: MediaPart[] = [];
    for (const part of media) {
      if (part.type === 'image_url') {
        if (!this.vision) {
          throw new ContentRefusal(`${part.path}: image_url needs a vision model (set OPENAI_VISION_MODEL)`);
        }
        later.push(part);
      } else if (isWebUrl(part.url)) {
        later.push(part);
      } else {
        const bytes = decodeBase64(part.url, part.path, this.limits.maxBytes);
        appendText(messages[part.message], await documentText(part.type, bytes, part.path));
      }
    }
    return { ...request, messages, media: later };
  }

  /**
   * The request with every image and document read into its message's text, and the schema filled;
   * null when one cannot be read: the event has then ended FAILED naming it (retrying would not help).
   */
  async resolve(projectId: string, eventId: string, request: AddRequest, usage: TokenUsage) {
    try {
      return await this.resolved(request, usage);
    } catch (error) {
      if (!(error instanceof ContentRefusal)) {
        throw error;
      }
      await this.events.finish(projectId, eventId, { status: 'FAILED', error: error.message });
      return null;
    }
  }

  private async resolved(request: AddRequest, usage: TokenUsage): Promise<AddRequest> {
    const messages = request.messages.map((message) => ({ ...message }));
    for (const part of request.media ?? []) {
      appendText(messages[part.message], await this.read(part, usage));
    }
    let metadata = request.metadata;
    if (request.structuredDataSchema) {
      const filled = await this.fill(
        request.structuredDataSchema,
        messages.map((message) => message.content),
      );
      metadata = { ...metadata, [STRUCTURED_DATA_KEY]: filled };
    }
    return { ...request, messages, media: [], metadata };
  }

  private async read(part: MediaPart, usage: TokenUsage): Promise<string> {
    if (part.type === 'image_url') {
      if (!this.vision) {
        throw new ContentRefusal(`${part.path}: image_url needs a vision model (set OPENAI_VISION_MODEL)`);
      }
      return this.vision.describeImage(part.url, usage);
    }
    const bytes = await fetchDocument(part.url, part.path, this.limits);
    return documentText(part.type as DocumentType, bytes, part.path);
  }

  /** Filled from the add's own messages, newest first; an answer off the schema fails the add, naming why. */
  private async fill(schema: JsonSchema, texts: string[]): Promise<Record<string, unknown>> {
    const memories = texts.filter((text) => text.trim()).reverse();
    const value = await this.llm.fillSchema({ schema, memories });
    const problem = compileJsonSchema(schema, 'structured_data')(value);
    if (problem) {
      throw new ContentRefusal(`structured_data_schema: the extracted data does not match the schema (${problem})`);
    }
    return value;
  }
}

function appendText(message: { content: string }, text: string): void {
  message.content = message.content ? `${message.content}\n${text}` : text;
}

function checkSchema(schema: JsonSchema): void {
  const type = schema.type;
  if ((type !== undefined && type !== 'object') || JSON.stringify(schema).length > MAX_SCHEMA_BYTES) {
    throw new ContentRefusal(
      `structured_data_schema: a JSON Schema object ("type": "object") of at most ${MAX_SCHEMA_BYTES / 1024} KB`,
    );
  }
  try {
    compileJsonSchema(schema);
  } catch (error) {
    if (error instanceof InvalidSchemaError) {
      throw new ContentRefusal(`structured_data_schema: ${error.message}`);
    }
    throw error;
  }
}
