/**
 * Plain Okapi BM25 (k1 1.2, b 0.75) over lower-cased word tokens, no stemming and no stop list:
 * the keyword baseline the server is compared with, computed over exactly the texts it stored.
 */
const K1 = 1.2;
const B = 0.75;

const tokens = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

export class Bm25Index<T> {
  private readonly docs: { item: T; tf: Map<string, number>; length: number }[] = [];
  private readonly df = new Map<string, number>();
  private totalLength = 0;

  add(item: T, text: string): void {
    const tf = new Map<string, number>();
    const words = tokens(text);
    for (const word of words) tf.set(word, (tf.get(word) ?? 0) + 1);
    for (const word of tf.keys()) this.df.set(word, (this.df.get(word) ?? 0) + 1);
    this.docs.push({ item, tf, length: words.length });
    this.totalLength += words.length;
  }

  search(query: string, limit: number): T[] {
    const n = this.docs.length;
    const average = this.totalLength / Math.max(1, n);
    const terms = [...new Set(tokens(query))];
    const scored = this.docs.map((doc) => {
      let score = 0;
      for (const term of terms) {
        const f = doc.tf.get(term);
        if (!f) continue;
        const df = this.df.get(term) ?? 0;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        score += (idf * f * (K1 + 1)) / (f + K1 * (1 - B + (B * doc.length) / average));
      }
      return { item: doc.item, score };
    });
    return scored
      .filter((entry) => entry.score > 0)
      .sort((a, b) => b.score - a.score)
      .slice(0, limit)
      .map((entry) => entry.item);
  }
}
