/** An add sends each fact's vector up to three times (two similarity lookups and the insert): written once. */
const literals = new WeakMap<number[], string>();

/** pgvector's text form of a vector, passed as a parameter and cast with `::vector`. */
export function vectorLiteral(vector: number[]): string {
  let literal = literals.get(vector);
  if (literal === undefined) {
    literal = `[${vector.join(',')}]`;
    literals.set(vector, literal);
  }
  return literal;
}
