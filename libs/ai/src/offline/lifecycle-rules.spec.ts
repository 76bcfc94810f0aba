import { contradicts, judgeOffline, readSlot, restates } from './lifecycle-rules';

const supersedes = (newer: string, older: string) => {
  const [a, b] = [readSlot(newer), readSlot(older)];
  return Boolean(a && b && contradicts(a, b));
};

describe('offline supersede rules', () => {
  it.each([
    ['Moved to Berlin', 'Lives in Lisbon'],
    ['No longer lives in Lisbon', 'Lives in Lisbon'],
    ['Lives in Berlin now', 'Lives in Lisbon'],
    ['User moved from Lisbon to Berlin', 'User lives in Lisbon'],
    ['Joined Microsoft last month', 'Works at Google'],
    ['Left Google', 'Works at Google'],
    ['No longer works at Google', 'Works at Google as an engineer'],
    ['Quits their job', 'Has a job at a bank'],
    ['Quit their job', 'Works as a nurse'],
    ['Is unemployed', 'Works at Google'],
    ['Works as a teacher', 'Works as a nurse'],
    ['No longer likes coffee', 'Likes coffee'],
    ['Hates sushi now', 'Loves sushi'],
    ['Now prefers tea', 'Likes coffee'],
    ['Prefers light mode now', 'Prefers dark mode'],
    ['Prefers light mode', 'Prefers dark mode'],
    ['Got divorced', 'Is married to Anna'],
    ['Is divorced', 'Is married to Anna'],
    ['Is single', 'Is dating Tom'],
    ['Is married to Bea', 'Is married to Anna'],
    ['Does not drink coffee anymore', 'Drinks coffee every morning'],
    ['No longer plays tennis', 'Plays tennis on Sundays'],
    ['Sister moved to Paris', 'Sister lives in Berlin'],
  ])('"%s" supersedes "%s"', (newer, older) => {
    expect(supersedes(newer, older)).toBe(true);
  });

  it.each([
    ['Sister lives in Berlin', 'Lives in Lisbon'],
    ['Lives in Lisbon', 'Sister lives in Berlin'],
    ['Works at Google', 'Works at Google'],
    ['Left Microsoft', 'Works at Google'],
    ['Joined a book club', 'Works at Google'],
    ['Likes Thai food', 'Likes Italian food'],
    ['Prefers tea', 'Prefers window seats'],
    ['Likes coffee', 'Likes coffee'],
    ['Is married to Anna', 'Is married'],
    ['Brother quit his job', 'Works at Google'],
    ['Plays golf', 'Plays tennis'],
    ['Visited Berlin last year', 'Lives in Lisbon'],
  ])('"%s" does not supersede "%s"', (newer, older) => {
    expect(supersedes(newer, older)).toBe(false);
  });
});

describe('offline merge rule', () => {
  it('merges a richer restatement, not another subject, a negation or a mere neighbour', () => {
    expect(restates('Dog Rex is a 3-year-old golden retriever', 'Has a dog named Rex', 0.46)).toBe(true);
    expect(restates('Likes coffee with oat milk', 'Likes coffee', 0.6)).toBe(true);
    expect(restates('Sister lives in Lisbon', 'Lives in Lisbon', 0.6)).toBe(false);
    expect(restates('Does not like coffee with milk', 'Likes coffee', 0.6)).toBe(false);
    expect(restates('Has a dog named Rex', 'Has a dog named Rex', 0.99)).toBe(false);
    expect(restates('Dog Rex is a 3-year-old golden retriever', 'Has a dog named Rex', 0.2)).toBe(false);
  });
});

describe('judgeOffline', () => {
  const candidate = (id: string, text: string, similarity = 0.3) => ({ id, text, similarity });

  it('lets the fact with the new value replace the memory; the one only ending it is redundant', () => {
    const decisions = judgeOffline({
      facts: [
        { text: 'No longer lives in Lisbon', candidates: [candidate('m1', 'Lives in Lisbon', 0.7)] },
        { text: 'Moved to Berlin', candidates: [candidate('m1', 'Lives in Lisbon', 0.2)] },
      ],
    });
    expect(decisions).toEqual([
      { fact: 0, memoryId: 'm1', action: 'supersede', redundant: true },
      { fact: 1, memoryId: 'm1', action: 'supersede' },
    ]);
  });

  it('leaves another subject alone and merges a restatement', () => {
    expect(
      judgeOffline({
        facts: [
          { text: 'Sister lives in Berlin', candidates: [candidate('m1', 'Lives in Lisbon', 0.48)] },
          {
            text: 'Dog Rex is a 3-year-old golden retriever',
            candidates: [candidate('m2', 'Has a dog named Rex', 0.46)],
          },
        ],
      }),
    ).toEqual([{ fact: 1, memoryId: 'm2', action: 'merge' }]);
  });
});
