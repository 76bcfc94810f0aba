interface Waiting<I, O> {
  item: I;
  resolve: (result: O) => void;
  reject: (error: unknown) => void;
}

interface Queue<I, O> {
  items: Waiting<I, O>[];
  /** Groups of the key running now. */
  running: number;
}

/**
 * Calls that arrive while a key's previous call runs wait for the next one and share it: under load one
 * statement or transaction serves many callers, each paying a fraction of its round trips, and when idle
 * a call goes at once. A group that fails is retried one item at a time, so that each gets its own outcome.
 */
export class Coalescer<I, O> {
  private readonly queues = new Map<string, Queue<I, O>>();

  /**
   * @param run carries out a group, answering each item's result in order
   * @param weight what an item counts towards `capacity`, the most one group takes (a heavier item goes alone)
   * @param lanes groups of one key that may run at once: with two, the next group is prepared in process
   *   while the previous one is in the database
   */
  constructor(
    private readonly run: (key: string, items: I[]) => Promise<O[]>,
    private readonly capacity = 500,
    private readonly weight: (item: I) => number = () => 1,
    private readonly lanes = 1,
  ) {}

  submit(key: string, item: I): Promise<O> {
    return new Promise((resolve, reject) => {
      let queue = this.queues.get(key);
      if (!queue) {
        queue = { items: [], running: 0 };
        this.queues.set(key, queue);
      }
      queue.items.push({ item, resolve, reject });
      if (queue.running < this.lanes) {
        queue.running++;
        void this.drain(key, queue);
      }
    });
  }

  private async drain(key: string, queue: Queue<I, O>): Promise<void> {
    const queued = queue.items;
    while (queued.length > 0) {
      let size = 0;
      const count = queued.findIndex(({ item }) => (size += this.weight(item)) > this.capacity);
      const group = queued.splice(0, Math.max(1, count < 0 ? queued.length : count));
      try {
        const results = await this.run(
          key,
          group.map(({ item }) => item),
        );
        group.forEach((waiting, index) => waiting.resolve(results[index]));
      } catch (error) {
        for (const waiting of group) {
          await (group.length > 1 ? this.run(key, [waiting.item]) : Promise.reject(error)).then(
            ([result]) => waiting.resolve(result),
            waiting.reject,
          );
        }
      }
    }
    if (--queue.running === 0) {
      this.queues.delete(key);
    }
  }
}
