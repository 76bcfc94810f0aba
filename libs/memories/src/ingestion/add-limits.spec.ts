import { addLimitProblem } from './add-limits';

const limits = { maxMessages: 3, maxMessageChars: 10, maxMetadataBytes: 20 };

describe('addLimitProblem', () => {
  it('passes bodies within the caps and leaves malformed ones to validation', () => {
    expect(addLimitProblem({ messages: [{ role: 'user', content: 'short' }], metadata: { a: 1 } }, limits)).toBeNull();
    expect(addLimitProblem({ messages: 42, metadata: 'x'.repeat(100) }, limits)).toBeNull();
    expect(addLimitProblem(null, limits)).toBeNull();
  });

  it('counts messages (400) before it measures sizes (413)', () => {
    const messages = Array.from({ length: 4 }, () => ({ role: 'user', content: 'x'.repeat(50) }));
    expect(addLimitProblem({ messages }, limits)).toEqual({
      field: 'messages',
      sentence: 'messages: at most 3 messages per add (ADD_MAX_MESSAGES), got 4',
      tooLarge: false,
    });
  });

  it('measures each form of text: list items, one object, structured content, a bare string, `text`', () => {
    const long = 'y'.repeat(11);
    const field = (body: unknown) => addLimitProblem(body, limits)?.field;
    expect(field({ messages: [{ content: 'ok' }, { content: long }] })).toBe('messages.1.content');
    expect(field({ messages: { role: 'user', content: long } })).toBe('messages.content');
    expect(field({ messages: [{ content: { type: 'text', text: long } }] })).toBe('messages.0.content');
    expect(field({ messages: long })).toBe('messages');
    expect(field({ text: long })).toBe('text');
    expect(addLimitProblem({ messages: long }, limits)?.tooLarge).toBe(true);
  });

  it('measures metadata as UTF-8 JSON bytes', () => {
    expect(addLimitProblem({ metadata: { k: 'é'.repeat(7) } }, limits)?.sentence).toBe(
      'metadata: at most 20 bytes of JSON (ADD_MAX_METADATA_BYTES), got 22',
    );
  });
});
