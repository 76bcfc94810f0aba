/** An add sends each fact's vector up to three times (two similarity lookups and the insert): written once. */
const literals = new WeakMap<number[], string>();

/**
 * Steps of 1e-8: about the resolution float4 keeps for a typical component of a unit vector (between 6e-8
 * near 1 and 4e-9 near 0.04), in half the characters of a double.
 */
const SCALE = 1e8;

/** Above this many steps a component is written by the engine's number formatting (imported vectors only). */
const FAST_LIMIT = 1e15;
const DIGITS = Buffer.from('0123456789');
const [COMMA, MINUS, E, OPEN, CLOSE] = Buffer.from(',-e[]');
/** Reused between calls (they are synchronous): a component takes at most 20 bytes (`-`, 15 digits, `e-8`, `,`). */
let scratch = Buffer.alloc(16 * 1024);

/**
 * pgvector's text form of a vector, passed as a parameter and cast with `::vector`. Each component is
 * written as an integer count of 1e-8 steps (`1234567e-8`): the statement carries half the bytes of a
 * double's shortest form for Postgres to parse. The digits go straight into a byte buffer, decoded once:
 * building the text by concatenation cost a batch of a thousand 640-d vectors about 150 ms, mostly garbage.
 */
export function vectorLiteral(vector: number[]): string {
  let literal = literals.get(vector);
  if (literal === undefined) {
    literal = vector.every((component) => Math.abs(component * SCALE) < FAST_LIMIT)
      ? writeSteps(vector)
      : `[${vector.map((component) => `${Math.round(component * SCALE)}e-8`).join(',')}]`;
    literals.set(vector, literal);
  }
  return literal;
}

function writeSteps(vector: number[]): string {
  if (scratch.length < vector.length * 20 + 2) {
    scratch = Buffer.alloc(vector.length * 20 + 2);
  }
  const out = scratch;
  let at = 0;
  out[at++] = OPEN;
  for (let index = 0; index < vector.length; index++) {
    if (index > 0) out[at++] = COMMA;
    let steps = Math.round(vector[index] * SCALE);
    if (steps < 0) {
      out[at++] = MINUS;
      steps = -steps;
    }
    // Digits are written backwards from the end of their span, which is measured first.
    let width = 1;
    for (let rest = steps; rest >= 10; rest = Math.floor(rest / 10)) width++;
    for (let digit = at + width - 1; digit >= at; digit--) {
      out[digit] = DIGITS[steps % 10];
      steps = Math.floor(steps / 10);
    }
    at += width;
    out[at++] = E;
    out[at++] = MINUS;
    out[at++] = DIGITS[8];
  }
  out[at++] = CLOSE;
  return out.toString('latin1', 0, at);
}
