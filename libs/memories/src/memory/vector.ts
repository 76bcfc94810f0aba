/** An add sends each fact's vector up to three times (two similarity lookups and the insert): written once. */
const literals = new WeakMap<number[], string>();

/**
 * Steps of 1e-8: about the resolution float4 keeps for a typical component of a unit vector (between 6e-8
 * near 1 and 4e-9 near 0.04), in half the characters of a double.
 */
const SCALE = 1e8;

/**
 * pgvector's text form of a vector, passed as a parameter and cast with `::vector`. Each component is
 * written as an integer count of 1e-8 steps (`1234567e-8`): formatting an integer costs a third of
 * formatting a double's shortest form, and the statement carries half the bytes for Postgres to parse.
 */
export function vectorLiteral(vector: number[]): string {
  let literal = literals.get(vector);
  if (literal === undefined) {
    literal = '[';
    for (let index = 0; index < vector.length; index++) {
      literal += `${index > 0 ? ',' : ''}${Math.round(vector[index] * SCALE)}e-8`;
    }
    literal += ']';
    literals.set(vector, literal);
  }
  return literal;
}
