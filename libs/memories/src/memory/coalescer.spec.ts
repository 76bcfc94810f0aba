import { Coalescer } from './coalescer';

describe('Coalescer', () => {
  it('runs a lone call at once and the calls that arrive meanwhile together, per key', async () => {
    const runs: [string, number[]][] = [];
    const doubled = new Coalescer<number, number>(async (key, items) => {
      runs.push([key, items]);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return items.map((item) => item * 2);
    });
    const results = await Promise.all([
      doubled.submit('a', 1),
      doubled.submit('a', 2),
      doubled.submit('a', 3),
      doubled.submit('b', 4),
    ]);
    expect(results).toEqual([2, 4, 6, 8]);
    expect(runs).toEqual([
      ['a', [1]],
      ['b', [4]],
      ['a', [2, 3]],
    ]);
  });

  it('runs up to its lanes of groups of one key at once, the calls waiting shared by the next free lane', async () => {
    const runs: number[][] = [];
    let running = 0;
    let most = 0;
    const coalescer = new Coalescer<number, number>(
      async (_key, items) => {
        runs.push(items);
        most = Math.max(most, ++running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running--;
        return items.map((item) => -item);
      },
      500,
      () => 1,
      2,
    );
    const results = await Promise.all([1, 2, 3, 4, 5].map((item) => coalescer.submit('k', item)));
    expect(results).toEqual([-1, -2, -3, -4, -5]);
    expect(most).toBe(2);
    expect(runs).toEqual([[1], [2], [3, 4, 5]]);
    // Idle again: a new call goes at once, alone.
    await expect(coalescer.submit('k', 6)).resolves.toBe(-6);
    expect(runs.at(-1)).toEqual([6]);
  });

  it('keeps a group within its capacity by weight, a heavier item going alone', async () => {
    const sizes: number[][] = [];
    const coalescer = new Coalescer<number, number>(
      async (_key, items) => {
        sizes.push(items);
        await Promise.resolve();
        return items;
      },
      5,
      (item) => item,
    );
    await Promise.all([1, 2, 2, 3, 9, 1].map((item) => coalescer.submit('k', item)));
    expect(sizes).toEqual([[1], [2, 2], [3], [9], [1]]);
  });

  it('retries a failed group one item at a time: only the failing item fails', async () => {
    const coalescer = new Coalescer<string, string>(async (_key, items) => {
      await Promise.resolve();
      if (items.includes('bad')) {
        throw new Error(`refused ${items.join(',')}`);
      }
      return items.map((item) => item.toUpperCase());
    });
    const first = coalescer.submit('k', 'first');
    const outcomes = await Promise.allSettled([
      first,
      coalescer.submit('k', 'ok'),
      coalescer.submit('k', 'bad'),
      coalescer.submit('k', 'fine'),
    ]);
    expect(outcomes).toEqual([
      { status: 'fulfilled', value: 'FIRST' },
      { status: 'fulfilled', value: 'OK' },
      { status: 'rejected', reason: new Error('refused bad') },
      { status: 'fulfilled', value: 'FINE' },
    ]);
  });
});
