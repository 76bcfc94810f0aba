import { VISION_PROMPT } from '@app/ai';
import { defaultChatReply, FakeChatBody, FakeChatReply } from './fake-openai';

/** The image URLs of a vision request (a user message whose content lists an `image_url` part), else none. */
export function visionImages(body: FakeChatBody): string[] {
  const parts = body.messages.flatMap((message) =>
    Array.isArray(message.content) ? (message.content as unknown[]) : [],
  );
  const isVision = parts.some((part) => (part as { text?: unknown }).text === VISION_PROMPT);
  return isVision
    ? parts.flatMap((part) => {
        const { type, image_url: image } = part as { type?: string; image_url?: { url?: string } };
        return type === 'image_url' && image?.url ? [image.url] : [];
      })
    : [];
}

/**
 * A `chat` handler for startFakeOpenAi that also answers vision requests: `describe(url)` is the
 * description of each image; every other request gets the fake's default answer.
 */
export function withVision(describe: (url: string) => string) {
  return (body: FakeChatBody): FakeChatReply => {
    const images = visionImages(body);
    return images.length > 0 ? images.map(describe).join(' ') : defaultChatReply(body);
  };
}
