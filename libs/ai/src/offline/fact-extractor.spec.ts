import type { ChatMessage, ExtractionRequest } from '../ai.types';
import { extractFacts, thirdPerson, topicsOf } from './fact-extractor';

const user = (content: string): ChatMessage => ({ role: 'user', content });
const assistant = (content: string): ChatMessage => ({ role: 'assistant', content });

async function facts(messages: ChatMessage[], extra: Partial<ExtractionRequest> = {}): Promise<string[]> {
  const result = await extractFacts({ messages, context: [], ...extra });
  return result.map((f) => (f.source === 'assistant' ? `[assistant] ${f.text}` : f.text));
}

describe('extractFacts', () => {
  it.each([
    ['I love hiking on weekends', 'Loves hiking on weekends'],
    ["I'm a software engineer at Acme", 'Is a software engineer at Acme'],
    ['My name is Alex', 'Name is Alex'],
    ['My favourite color is blue.', 'Favourite color is blue'],
    ['I have two cats', 'Has two cats'],
    ["I don't like coffee", 'Does not like coffee'],
    ['I do not eat meat', 'Does not eat meat'],
    ['I was born in 1990', 'Was born in 1990'],
    ["I've been to Japan", 'Has been to Japan'],
    ['I am allergic to peanuts', 'Is allergic to peanuts'],
    ['We moved to Berlin last year', 'Moved to Berlin last year'],
    ["I'm vegetarian", 'Is vegetarian'],
    ['I prefer dark mode', 'Prefers dark mode'],
    ['I go to the gym every morning', 'Goes to the gym every morning'],
    ['I watch a lot of anime', 'Watches a lot of anime'],
    ['I study at Oxford', 'Studies at Oxford'],
    ['I usually fly with Lufthansa', 'Usually flies with Lufthansa'],
    ['I never eat pork', 'Never eats pork'],
    ['I really love sushi!', 'Loves sushi'],
    ["I can't stand olives", 'Cannot stand olives'],
    ["I've got three kids", 'Has three kids'],
    ["I'd love to visit Japan someday", 'Would love to visit Japan someday'],
    ["i'm 34", 'Is 34 years old'],
    ["I'm not a fan of horror movies", 'Is not a fan of horror movies'],
    ['I miss my family', 'Misses their family'],
    ['My wife and I went to Rome last summer', 'Went to Rome last summer with their wife'],
    ['Emma is my sister', 'Emma is their sister'],
    ["We're expecting a baby in March", 'Is expecting a baby in March'],
    ['Call me Sam', 'Prefers to be called Sam'],
    ["I'm French", 'Is French'],
    ['Prefers trains over planes.', 'Prefers trains over planes'],
    ['Speaks Norwegian.', 'Speaks Norwegian'],
    ['Is allergic to shellfish', 'Is allergic to shellfish'],
    ['Name is Ana', 'Name is Ana'],
    ['Lives in Lisbon with their partner', 'Lives in Lisbon with their partner'],
    ['Sister Emma lives in Oslo', 'Sister Emma lives in Oslo'],
    ['Favourite color is blue.', 'Favourite color is blue'],
  ])('rewrites %j as %j', async (message, fact) => {
    expect(await facts([user(message)])).toEqual([fact]);
  });

  it.each([
    'hi',
    'hello there',
    'Thanks!',
    'ok',
    'Good morning :)',
    "That's great",
    "I'm good, thanks",
    'I think so',
    "what's the weather?",
    'can you help me plan a trip to Rome?',
    'How are you doing today?',
    'Please book a table for two at 8pm.',
    'Tell me a joke',
    'I want you to write a poem about autumn',
    'I need help with my resume',
    'I love it!',
    "It's raining today",
    'Seems fine',
    'Dogs are the best',
    'The weather is nice',
    'Perhaps we should go',
    'Has anyone seen the news',
    'Is it going to rain',
  ])('finds nothing in small talk, questions and requests: %j', async (message) => {
    expect(await facts([user(message)])).toEqual([]);
  });

  it('splits messages into sentences and clauses, dropping the chatter around facts', async () => {
    expect(
      await facts([user("Hi! I'm Alex and I live in Paris. I work as a nurse, but I hate night shifts. Any tips?")]),
    ).toEqual(['Name is Alex', 'Lives in Paris', 'Works as a nurse', 'Hates night shifts']);
    expect(
      await facts([
        user("I'm trying to lose weight, any tips? I'm allergic to shellfish, so please keep that in mind."),
      ]),
    ).toEqual(['Is trying to lose weight', 'Is allergic to shellfish']);
    expect(await facts([user('Dr. Smith says I need to sleep 8.5 hours. I moved from NY to SF in 2020.')])).toEqual([
      'Dr. Smith says they need to sleep 8.5 hours',
      'Moved from NY to SF in 2020',
    ]);
  });

  it('keeps what the user asks the assistant to remember', async () => {
    expect(await facts([user("Remember that my wife's birthday is on June 3rd.")])).toEqual([
      "Wife's birthday is on June 3rd",
    ]);
    expect(await facts([user("Can you remember that I'm vegetarian?")])).toEqual(['Is vegetarian']);
    expect(await facts([user('Remember to buy milk')])).toEqual([]);
  });

  it("attributes the assistant's commitments, recommendations and identity to the assistant", async () => {
    expect(
      await facts([
        user('I need to wake up early tomorrow'),
        assistant("Sure! I'd be happy to help. I will remind you at 9am. I'm Juno, by the way."),
        assistant('Based on your interests, I recommend the Thai restaurant on 5th Street. I hope this helps!'),
        assistant("Paris is the capital of France. I've noted that you like temples. What would you like to eat?"),
      ]),
    ).toEqual([
      'Needs to wake up early tomorrow',
      '[assistant] Will remind the user at 9am',
      '[assistant] Name is Juno',
      '[assistant] Recommended the Thai restaurant on 5th Street',
    ]);
  });

  it('ignores system messages and the context itself', async () => {
    const result = await extractFacts({
      messages: [{ role: 'system', content: 'I am a helpful assistant.' }, user('I live in Oslo')],
      context: [user('I have a dog named Rex')],
    });
    expect(result).toEqual([{ text: 'Lives in Oslo', source: 'user' }]);
  });

  it('resolves leading pronouns from the context and earlier sentences', async () => {
    const context = [user('I adopted a beagle called Max last year.')];
    expect(await facts([user('He hates the rain, so we only walk in the mornings.')], { context })).toEqual([
      'Beagle Max hates the rain',
      'Only walks in the mornings',
    ]);
    expect(await facts([user('My son Ethan plays the violin. He is 8.')])).toEqual([
      'Son Ethan plays the violin',
      'Son Ethan is 8',
    ]);
    expect(await facts([user('I have a sister. She lives in Boston.')])).toEqual([
      'Has a sister',
      'Sister lives in Boston',
    ]);
    expect(await facts([user('I bought a new car. It is a red Tesla.')])).toEqual([
      'Bought a new car',
      'New car is a red Tesla',
    ]);
    expect(await facts([user('She is a doctor.')])).toEqual([]);
  });

  it('removes duplicates within one call', async () => {
    expect(await facts([user('I love jazz. I love jazz!'), user('i love jazz')])).toEqual(['Loves jazz']);
  });

  it('drops facts about excluded topics and keeps only included ones', async () => {
    const messages = [user('I love hiking. I work at Acme. My sister lives in Rome.')];
    expect(await facts(messages, { excludes: 'work' })).toEqual(['Loves hiking', 'Sister lives in Rome']);
    expect(await facts(messages, { includes: 'hiking and my sister' })).toEqual([
      'Loves hiking',
      'Sister lives in Rome',
    ]);
    expect(
      await facts(messages, { customInstructions: "Don't store anything about work. Only remember hiking." }),
    ).toEqual(['Loves hiking']);
  });

  it('applies agent instructions to assistant facts and user instructions to user facts', async () => {
    const messages = [user('I work at Acme'), assistant('I will send the work report on Friday')];
    expect(await facts(messages, { agentCustomInstructions: 'Never store work topics' })).toEqual(['Works at Acme']);
    expect(await facts(messages, { customInstructions: 'Never store work topics' })).toEqual([]);
  });

  it('uses the given topic scorer', async () => {
    const topicScore = jest.fn(async (fact: string) => (fact.includes('peanuts') ? 0.9 : 0.1));
    const result = await extractFacts(
      { messages: [user("I'm allergic to peanuts and I love jazz")], context: [], excludes: 'health' },
      { topicScore },
    );
    expect(result.map((f) => f.text)).toEqual(['Loves jazz']);
    expect(topicScore).toHaveBeenCalledWith('Is allergic to peanuts', 'health');
  });
});

describe('thirdPerson', () => {
  it.each([
    ['love', 'loves'],
    ['watch', 'watches'],
    ['fix', 'fixes'],
    ['go', 'goes'],
    ['study', 'studies'],
    ['play', 'plays'],
    ['have', 'has'],
    ['do', 'does'],
    ['miss', 'misses'],
  ])('%s -> %s', (verb, conjugated) => expect(thirdPerson(verb)).toBe(conjugated));
});

describe('topicsOf', () => {
  it('splits free-text hints into topics', () => {
    expect(topicsOf('food, travel and anything about my health')).toEqual(['food', 'travel', 'health']);
    expect(topicsOf('  ')).toEqual([]);
    expect(topicsOf(null)).toEqual([]);
  });
});
