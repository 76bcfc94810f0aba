import { contextScore, decayFactor, entityBoost, entityWeights, normaliseBm25, temporalMatch } from './hybrid-scoring';

const hoursAgo = (now: Date, hours: number) => new Date(now.getTime() - hours * 3_600_000);

describe('hybrid scoring', () => {
  it('normalises BM25 into [0, 1), higher for stronger matches', () => {
    expect(normaliseBm25(0, 2)).toBe(0);
    expect(normaliseBm25(8, 2)).toBeGreaterThan(normaliseBm25(3, 2));
    expect(normaliseBm25(50, 2)).toBeLessThanOrEqual(1);
  });

  it('weights entities by rarity and salience', () => {
    const weights = entityWeights(
      new Map([
        ['rare', 1],
        ['common', 500],
      ]),
      1000,
    );
    expect(entityBoost({ rare: 1 }, weights, 1000)).toBeCloseTo(1, 1);
    expect(entityBoost({ common: 1 }, weights, 1000)).toBeLessThan(0.2);
    expect(entityBoost({ rare: 0.25 }, weights, 1000)).toBeLessThan(entityBoost({ rare: 1 }, weights, 1000));
    expect(entityBoost(null, weights, 1000)).toBe(0);
  });

  it('matches event dates first, the date said second', () => {
    const query = { start: new Date('2025-03-10'), end: new Date('2025-03-17') };
    expect(temporalMatch(query, { start: new Date('2025-03-12'), end: new Date('2025-03-13') }, new Date())).toBe(1);
    expect(temporalMatch(query, { start: new Date('2024-01-01'), end: new Date('2024-01-02') }, new Date())).toBe(0);
    expect(temporalMatch(query, null, new Date('2025-03-11'))).toBe(0.7);
  });

  it('decays from 1.5 just retrieved to 0.3 months idle, reinforced by repeated touches', () => {
    const now = new Date('2026-06-01T12:00:00Z');
    expect(decayFactor([now], now, now)).toBeGreaterThan(1.45);
    expect(decayFactor(null, hoursAgo(now, 72), now)).toBeGreaterThan(0.55);
    expect(decayFactor(null, hoursAgo(now, 72), now)).toBeLessThan(1);
    expect(decayFactor(null, hoursAgo(now, 24 * 180), now)).toBeLessThan(0.4);
    expect(decayFactor(null, hoursAgo(now, 24 * 3650), now)).toBeGreaterThanOrEqual(0.3);
    const once = decayFactor([hoursAgo(now, 48)], now, now);
    const often = decayFactor([hoursAgo(now, 50), hoursAgo(now, 49), hoursAgo(now, 48)], now, now);
    expect(often).toBeGreaterThan(once);
  });

  it('raises a memory towards a stronger neighbour, never lowers it', () => {
    expect(contextScore(0.2, 0.8)).toBeGreaterThan(0.2);
    expect(contextScore(0.2, 0.8)).toBeLessThan(0.8);
    expect(contextScore(0.6, 0.1)).toBe(0.6);
  });
});
