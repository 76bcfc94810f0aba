/*
 * The offline extractor's rules read English only. A message in another language is kept sentence by
 * sentence instead (in its own language), so it is not lost. Function words of the common European
 * languages, and letters of other scripts, tell the languages apart well enough for that choice.
 */
const ENGLISH = new Set(
  "the a an and or but is are was were am be been i i'm my me we our you your he she it they his her their of to in on at for with from by this that not have has had do does did will would can".split(
    ' ',
  ),
);

const OTHER = new Set(
  [
    // French
    'je j ai suis mon ma mes nous vous il elle ils elles le la les un une des du de et ou mais est sont à au aux avec pour dans sur chez depuis très pas ne qui que c ce cette',
    // German
    'ich bin mein meine wir ihr er sie es der die das ein eine und oder aber ist sind mit für im auf bei seit sehr nicht kein habe hat',
    // Spanish and Portuguese
    'yo soy estoy mi mis nosotros él ella el los las una y pero es son con para en desde muy tengo vivo eu sou meu minha não com em uma',
    // Italian and Dutch
    'io sono mio mia noi lui lei il gli una ho abito ik ben mijn wij hij zij het een en maar niet met voor op sinds',
  ]
    .join(' ')
    .split(' ')
    .filter((word) => !ENGLISH.has(word)),
);

const OTHER_SCRIPT =
  /[\u0370-\u03ff\u0400-\u052f\u0590-\u08ff\u0900-\u0dff\u0e00-\u0eff\u1100-\u11ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/u;

/** True when the text reads as another language than English. */
export function isForeign(text: string): boolean {
  if (OTHER_SCRIPT.test(text)) {
    return true;
  }
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  const english = words.filter((word) => ENGLISH.has(word)).length;
  const other = words.filter((word) => OTHER.has(word)).length;
  // Two function words at least: a loanword or a name alone ("Go get 'em") does not make a language.
  return other >= 2 && other > english;
}

/** The statements of a message in another language, as they were written (questions left out). */
export function statementsOf(text: string): string[] {
  return text
    .split(/(?<=[.!?\u3002\uff01\uff1f])\s*|\n+/u)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence && !/[?\uff1f¿]/u.test(sentence))
    .map((sentence) => sentence.replace(/[\s.!\u3002\uff01]+$/u, ''))
    .filter((sentence) => sentence.split(/\s+/).length >= 2 || OTHER_SCRIPT.test(sentence));
}
