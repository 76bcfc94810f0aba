import { NO_MEMORIES_SUMMARY } from '../ai.types';
import { HashEmbedder } from './hash-embedder';
import { OfflineLlmProvider } from './offline-llm.provider';
import { distinctMemories, summarizeOffline } from './offline-summary';

describe('offline summary', () => {
  /* A stub categoriser keeps these tests about the summary, not about the categoriser's tuning. */
  const TOPICS: Record<string, string> = { ramen: 'food', vegetarian: 'food', japan: 'travel', nurse: 'pet_care' };
  const categorize = async (text: string): Promise<string> =>
    Object.entries(TOPICS).find(([word]) => text.toLowerCase().includes(word))?.[1] ?? 'misc';
  const summarize = (memories: string[], maxTokens?: number | null) =>
    summarizeOffline({ memories, maxTokens }, categorize);

  it('says so when there is nothing to summarise', async () => {
    expect(await summarize([])).toBe(NO_MEMORIES_SUMMARY);
    expect(await summarize(['  ', '\n', '...'])).toBe(NO_MEMORIES_SUMMARY);
  });

  it('groups by category in order of each group newest memory, newest first inside a group', async () => {
    expect(await summarize(['Likes ramen', 'Visited Japan in 2023.', 'Is vegetarian', 'Owns a red bike'])).toBe(
      'Food: Likes ramen; Is vegetarian. Travel: Visited Japan in 2023. Other: Owns a red bike.',
    );
    expect(await summarize(['Works as a nurse'])).toBe('Pet care: Works as a nurse.');
  });

  it('drops exact and near duplicates, keeping the newest wording', async () => {
    expect(
      distinctMemories(['Likes ramen!', 'likes RAMEN', 'User likes ramen.', 'The user likes ramen', 'Like ramens']),
    ).toEqual(['Likes ramen']);
    expect(distinctMemories(['Likes  dogs,\n not cats', 'Likes cats, not dogs', 'Does not like ramen'])).toEqual([
      'Likes dogs, not cats',
      'Likes cats, not dogs',
      'Does not like ramen',
    ]);
    expect(await summarize(['Is vegetarian.', 'Likes ramen', 'is vegetarian', 'IS VEGETARIAN!'])).toBe(
      'Food: Is vegetarian; Likes ramen.',
    );
  });

  it('keeps the newest memories that fit in maxTokens (4 characters a token)', async () => {
    const memories = ['Likes ramen', 'Visited Japan in 2023', 'Is vegetarian', 'Owns a red bike'];
    const full = await summarize(memories);
    expect(await summarize(memories, null)).toBe(full);
    expect(await summarize(memories, 0)).toBe(full);
    expect(await summarize(memories, 1000)).toBe(full);
    // "Food: Likes ramen. Travel: Visited Japan in 2023." is 49 characters; the next memory would make it 64.
    expect(await summarize(memories, 13)).toBe('Food: Likes ramen. Travel: Visited Japan in 2023.');
    expect(await summarize(memories, 16)).toBe('Food: Likes ramen; Is vegetarian. Travel: Visited Japan in 2023.');
    for (const maxTokens of [1, 3, 5, 13, 15, 16, 20]) {
      expect((await summarize(memories, maxTokens)).length).toBeLessThanOrEqual(maxTokens * 4);
    }
  });

  it('clips a first memory longer than the budget at a word boundary', async () => {
    const summary = await summarize(['Visited Japan in 2023 with a group of friends from the climbing club'], 8);
    expect(summary).toBe('Travel: Visited Japan in 2023…');
    expect(summary.length).toBeLessThanOrEqual(32);
  });

  it('is deterministic and offline with the real categoriser, ignoring instructions', async () => {
    const provider = new OfflineLlmProvider(new HashEmbedder());
    const memories = [
      'Is planning a trip to Iceland in September',
      'Works as a nurse',
      'Loves spicy Thai food',
      'works as a nurse.',
      'Is allergic to peanuts',
      'Prefers short answers without bullet points',
    ];
    const summary = await provider.summarize({ memories, instructions: 'Write a poem.' });
    expect(summary).toBe(
      'Travel: Is planning a trip to Iceland in September. Work: Works as a nurse. Food: Loves spicy Thai food. ' +
        'Health: Is allergic to peanuts. Preferences: Prefers short answers without bullet points.',
    );
    expect(await provider.summarize({ memories })).toBe(summary);
    expect(await provider.summarize({ memories: [] })).toBe(NO_MEMORIES_SUMMARY);
  });
});
