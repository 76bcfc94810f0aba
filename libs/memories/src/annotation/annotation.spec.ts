import { annotate } from './annotate';
import { extractDateSpan } from './dates';
import { embeddingText, extractEntities, queryEntityKeys } from './entities';

const said = new Date('2023-05-08T13:56:00Z');
const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

describe('extractEntities', () => {
  it('finds names, acronyms and key phrases, with the opening name as the subject', () => {
    const entities = extractEntities(
      'Caroline: Hey Mel! I went to a LGBTQ support group in Boston with the Bank of America team.',
    );
    const byKey = new Map(entities.map((entity) => [entity.key, entity]));
    expect(byKey.get('carolin')).toMatchObject({ name: 'Caroline', kind: 'person', salience: 1 });
    expect(byKey.get('mel')).toMatchObject({ name: 'Mel', salience: 0.25 });
    expect(byKey.get('lgbtq')).toMatchObject({ kind: 'product' });
    expect(byKey.get('boston')).toMatchObject({ kind: 'place' });
    expect(byKey.get('bank america')).toMatchObject({ name: 'Bank of America', kind: 'organization' });
    expect(byKey.has('hei')).toBe(false);
  });

  it('does not take capitalised sentence openers for names', () => {
    const keys = extractEntities('Thanks! Yesterday was great. Wow, what a day.').map((entity) => entity.key);
    expect(keys).toEqual([]);
  });

  it('keys queries the way memories are keyed, whatever the case', () => {
    expect(queryEntityKeys('what does caroline like in boston?')).toEqual(
      expect.arrayContaining(['carolin', 'boston']),
    );
    expect(queryEntityKeys('Bank of America')).toContain('bank america');
  });
});

describe('embeddingText', () => {
  it('drops a speaker label that is a name, keeps one that is a word', () => {
    expect(embeddingText('Caroline: I went there')).toBe('I went there');
    expect(embeddingText('Note: buy milk')).toBe('Note: buy milk');
    expect(embeddingText('no label here')).toBe('no label here');
  });
});

describe('extractDateSpan', () => {
  it('resolves relative dates against when they were said', () => {
    expect(extractDateSpan('I went to a support group yesterday', said)).toEqual({
      start: day('2023-05-07'),
      end: day('2023-05-08'),
    });
    const week = extractDateSpan('Last week I met Maya', said)!;
    expect(week.start < day('2023-05-02') && week.end > day('2023-05-02')).toBe(true);
  });

  it('widens a month or a year to the whole period and reads a bare year', () => {
    expect(extractDateSpan('We went camping in March', said)).toEqual({
      start: day('2023-03-01'),
      end: day('2023-04-01'),
    });
    expect(extractDateSpan('in 2022 I painted a sunrise', said)).toEqual({
      start: day('2022-01-01'),
      end: day('2023-01-01'),
    });
  });

  it('ignores durations, clock times and texts without dates', () => {
    expect(extractDateSpan('I have been running for 4 years', said)).toBeNull();
    expect(extractDateSpan('at 5 I left', said)).toBeNull();
    expect(extractDateSpan('I like tea', said)).toBeNull();
  });

  it('annotates a memory with both', () => {
    const annotation = annotate('Yesterday I met Maya in Paris', said);
    expect(annotation.eventStart).toEqual(day('2023-05-07'));
    expect(annotation.entities.map((entity) => entity.key)).toEqual(expect.arrayContaining(['maya', 'paris']));
  });
});
