/** pgvector's text form of a vector, passed as a parameter and cast with `::vector`. */
export function vectorLiteral(vector: number[]): string {
  return `[${vector.join(',')}]`;
}
