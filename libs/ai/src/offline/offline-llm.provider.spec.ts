import { Category, DEFAULT_CATEGORIES, UpdateDecision } from '../ai.types';
import { HashEmbedder } from './hash-embedder';
import { OfflineLlmProvider } from './offline-llm.provider';

describe('OfflineLlmProvider', () => {
  const provider = new OfflineLlmProvider(new HashEmbedder());

  describe('extractFacts', () => {
    const messages = [
      { role: 'user' as const, content: "Hi! I'm allergic to peanuts and I love hiking. What's the weather like?" },
      { role: 'assistant' as const, content: "I'll remind you to pack snacks without nuts." },
    ];

    it('extracts attributed facts without any LLM usage', async () => {
      const result = await provider.extractFacts({ messages, context: [] });
      expect(provider.name).toBe('offline');
      expect(result.usage).toEqual({ llmCalls: 0, inputTokens: 0, outputTokens: 0 });
      expect(result.facts).toEqual([
        { text: 'Is allergic to peanuts', source: 'user' },
        { text: 'Loves hiking', source: 'user' },
        { text: 'Will remind the user to pack snacks without nuts', source: 'assistant' },
      ]);
    });

    it('ignores a custom extraction prompt', async () => {
      const plain = await provider.extractFacts({ messages, context: [] });
      const custom = await provider.extractFacts({
        messages,
        context: [],
        customPrompt: 'Only output JSON about cars',
      });
      expect(custom).toEqual(plain);
    });

    it('matches includes/excludes by category as well as by words', async () => {
      const request = {
        messages: [{ role: 'user' as const, content: 'I have asthma. I work as a nurse. I have two cats.' }],
        context: [],
      };
      const texts = async (extra: object): Promise<string[]> =>
        (await provider.extractFacts({ ...request, ...extra })).facts.map((f) => f.text);
      expect(await texts({ excludes: 'health information' })).toEqual(['Works as a nurse', 'Has two cats']);
      expect(await texts({ includes: 'pets' })).toEqual(['Has two cats']);
      expect(await texts({ customInstructions: 'Do not store anything about my job or my pets.' })).toEqual([
        'Has asthma',
      ]);
    });
  });

  describe('decideUpdate', () => {
    const decide = (fact: string, ...memories: string[]): Promise<UpdateDecision> =>
      provider.decideUpdate({
        fact,
        similar: memories.map((text, i) => ({ id: `m${i + 1}`, text, similarity: 0.9 - i * 0.1 })),
      });

    it('adds a fact when nothing similar exists or nothing matches', async () => {
      expect(await decide('Lives in Paris')).toEqual({ event: 'ADD', text: 'Lives in Paris' });
      expect(await decide('Works at Google', 'Lives in Paris', 'Has two cats')).toEqual({
        event: 'ADD',
        text: 'Works at Google',
      });
      expect(await decide('Prefers tea', 'Prefers dark mode')).toEqual({ event: 'ADD', text: 'Prefers tea' });
      expect(await decide('Has a dog', 'Has two cats')).toEqual({ event: 'ADD', text: 'Has a dog' });
    });

    it('does nothing for a memory that already says it', async () => {
      expect(await decide('Lives in Paris', 'Lives in Paris')).toEqual({ event: 'NOOP', id: 'm1' });
      expect(await decide('lives in paris.', 'Has two cats', 'Lives in Paris')).toEqual({ event: 'NOOP', id: 'm2' });
      expect(await decide('Likes pizza', 'Likes pizza and pasta')).toEqual({ event: 'NOOP', id: 'm1' });
      expect(await decide('Enjoys reading', 'Loves reading')).toEqual({ event: 'NOOP', id: 'm1' });
    });

    it('replaces a single-valued attribute that changed', async () => {
      expect(await decide('Lives in Berlin', 'Lives in Paris')).toEqual({
        event: 'UPDATE',
        id: 'm1',
        text: 'Lives in Berlin',
      });
      expect(await decide('Favourite color is green', 'Favourite color is blue')).toEqual({
        event: 'UPDATE',
        id: 'm1',
        text: 'Favourite color is green',
      });
      expect(await decide('Name is Sam', 'Name is Alex')).toEqual({ event: 'UPDATE', id: 'm1', text: 'Name is Sam' });
      expect(await decide('Is 35 years old', 'Is 34 years old')).toEqual({
        event: 'UPDATE',
        id: 'm1',
        text: 'Is 35 years old',
      });
      expect(await decide('Prefers light mode', 'Prefers dark mode')).toEqual({
        event: 'UPDATE',
        id: 'm1',
        text: 'Prefers light mode',
      });
    });

    it('updates a memory the new fact negates or makes more precise', async () => {
      expect(await decide('Does not like coffee', 'Likes coffee')).toEqual({
        event: 'UPDATE',
        id: 'm1',
        text: 'Does not like coffee',
      });
      expect(await decide('Hates coffee', 'Loves coffee')).toEqual({ event: 'UPDATE', id: 'm1', text: 'Hates coffee' });
      expect(await decide('No longer has a dog', 'Has a dog')).toEqual({
        event: 'UPDATE',
        id: 'm1',
        text: 'No longer has a dog',
      });
      expect(await decide('Has a dog named Max', 'Has a dog')).toEqual({
        event: 'UPDATE',
        id: 'm1',
        text: 'Has a dog named Max',
      });
    });

    it('merges another value of a multi-valued predicate', async () => {
      expect(await decide('Is allergic to shellfish', 'Is allergic to peanuts')).toEqual({
        event: 'UPDATE',
        id: 'm1',
        text: 'Is allergic to peanuts and shellfish',
      });
      expect(await decide('Is allergic to eggs', 'Is allergic to peanuts and shellfish')).toEqual({
        event: 'UPDATE',
        id: 'm1',
        text: 'Is allergic to peanuts, shellfish and eggs',
      });
    });

    it('judges candidates by its own similarity, not the order given', async () => {
      const decision = await provider.decideUpdate({
        fact: 'Lives in Berlin',
        similar: [
          { id: 'a', text: 'Loves Berlin techno', similarity: 0.99 },
          { id: 'b', text: 'Lives in Paris', similarity: 0.2 },
        ],
      });
      expect(decision).toEqual({ event: 'UPDATE', id: 'b', text: 'Lives in Berlin' });
    });
  });

  describe('rerank', () => {
    it('has no reranker: the caller keeps its order', async () => {
      const documents = [
        { id: 'a', text: 'Likes tea' },
        { id: 'b', text: 'Lives in Paris' },
      ];
      expect(await provider.rerank({ query: 'drinks', documents })).toBeNull();
    });
  });

  describe('categorize', () => {
    const categorize = (text: string, categories: Category[] = DEFAULT_CATEGORIES): Promise<string[]> =>
      provider.categorize({ text, categories });

    it.each([
      ['Loves hiking on weekends', 'hobbies'],
      ['Is allergic to peanuts', 'health'],
      ['Works as a nurse', 'professional_details'],
      ['Name is Alex', 'personal_details'],
      ['Has two cats named Miso and Tofu', 'family'],
      ['Plays tennis on Saturdays', 'sports'],
      ['Is planning a trip to Iceland in September', 'travel'],
      ['Loves spicy Thai food', 'food'],
      ['Favourite band is Radiohead', 'music'],
      ['Codes mostly in TypeScript and Python', 'technology'],
      ['Wears mostly black clothes', 'fashion'],
      ['Loves sci-fi movies, especially Interstellar', 'entertainment'],
      ['Graduated from MIT in 2012', 'milestones'],
      ['Prefers short answers without bullet points', 'user_preferences'],
    ])('files %j under %s first', async (text, category) => {
      const names = await categorize(text);
      expect(names[0]).toBe(category);
      expect(names.length).toBeLessThanOrEqual(2);
    });

    it('falls back to misc, or to no category in a catalog without one', async () => {
      expect(await categorize('Owns an electric scooter')).toEqual(['misc']);
      const catalog = [
        { name: 'devops', description: 'Infrastructure, deployments, CI/CD and cloud' },
        { name: 'cooking', description: 'Recipes and meals' },
      ];
      expect(await categorize('Enjoys the sunset', catalog)).toEqual([]);
      expect(await categorize('Deploys with Kubernetes on weekends', catalog)).toEqual(['devops']);
      expect(await categorize('Makes fresh pasta every Sunday', catalog)).toEqual(['cooking']);
      const trips = [
        { name: 'travel', description: 'Trips, flights, hotels and places to visit' },
        { name: 'finance', description: 'Money, budgets and investments' },
      ];
      expect(await categorize('My cat is named Miso.', trips)).toEqual([]);
      expect(await categorize('Flying to Lisbon in May', trips)).toEqual(['travel']);
    });

    it('works with custom catalogs and only answers their names', async () => {
      const catalog = [
        { name: 'Pets', description: 'Animals the user owns' },
        { name: 'Work', description: 'Job and career' },
        { name: 'Other', description: 'Everything else' },
      ];
      expect(await categorize('Has two cats named Miso and Tofu', catalog)).toEqual(['Pets']);
      expect(await categorize('Works as a nurse', catalog)).toEqual(['Work']);
      expect(await categorize('Likes sunny weather', catalog)).toEqual(['Other']);
      expect(await categorize('Anything', [])).toEqual([]);
    });

    it('is deterministic', async () => {
      const first = await categorize('Drinks green tea every morning');
      expect(await categorize('Drinks green tea every morning')).toEqual(first);
      expect(first).toEqual(['food']);
    });
  });
});
