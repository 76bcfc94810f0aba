import OpenAI from 'openai';
import { TokenUsage, VisionModel } from '../ai.types';
import { describeOpenAiError, OpenAiConnection, openAiClient } from './openai-errors';

export interface OpenAiVisionOptions extends OpenAiConnection {
  model: string;
}

/** Marks a vision request, so a test server can tell it from the extraction that follows. */
export const VISION_PROMPT =
  'Describe this image for a memory store: what it shows, any text in it, and what it says about the person who shared it. Answer in plain sentences, without preamble.';

/** One chat completion per image, the image sent as an `image_url` content part. */
export class OpenAiVisionModel implements VisionModel {
  readonly model: string;
  private readonly client: OpenAI;
  private readonly timeoutMs: number;

  constructor(options: OpenAiVisionOptions) {
    this.model = options.model;
    this.timeoutMs = options.timeoutMs;
    this.client = openAiClient(options);
  }

  async describeImage(url: string, usage: TokenUsage): Promise<string> {
    let description: string | null | undefined;
    try {
      const completion = await this.client.chat.completions.create({
        model: this.model,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: VISION_PROMPT },
              { type: 'image_url', image_url: { url } },
            ],
          },
        ],
      });
      usage.llmCalls += 1;
      usage.inputTokens += completion.usage?.prompt_tokens ?? 0;
      usage.outputTokens += completion.usage?.completion_tokens ?? 0;
      description = completion.choices?.[0]?.message?.content;
    } catch (error) {
      throw describeOpenAiError(`OpenAI image description (model ${this.model})`, error, this.timeoutMs);
    }
    if (!description?.trim()) {
      throw new Error(`OpenAI image description: model ${this.model} gave an empty answer`);
    }
    return description.trim();
  }
}
