import { extractFacts } from './fact-extractor';
import { isForeign, statementsOf } from './language';

describe('offline language check', () => {
  it('tells English from other languages', () => {
    expect(isForeign("J'habite à Lyon depuis 2019.")).toBe(true);
    expect(isForeign('Ich wohne seit 2019 in Berlin.')).toBe(true);
    expect(isForeign('私は東京に住んでいます。')).toBe(true);
    expect(isForeign('I moved to Lyon in 2019 and love it.')).toBe(false);
    expect(isForeign('Caroline: I went to a support group yesterday.')).toBe(false);
    expect(isForeign("Go get 'em, Jon!")).toBe(false);
  });

  it('keeps the statements of a foreign message as written, without its questions', () => {
    expect(statementsOf("J'habite à Lyon depuis 2019. Et toi, où habites-tu ?")).toEqual([
      "J'habite à Lyon depuis 2019",
    ]);
  });

  it('makes a French fact a memory in French', async () => {
    const facts = await extractFacts({
      messages: [{ role: 'user', content: "J'habite à Lyon depuis 2019." }],
      context: [],
    });
    expect(facts).toEqual([{ text: "J'habite à Lyon depuis 2019", source: 'user' }]);
  });
});
