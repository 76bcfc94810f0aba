const KEYWORDS: Record<string, string> = { True: 'true', False: 'false', None: 'null' };
const PYTHON_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", '"': '"', '0': '\0' };

/**
 * The official Python client puts a dict into a query string with `str()`, so `filters` can arrive as
 * `{'user_id': 'alice', 'flag': True}`. This reads such a Python literal (dicts, lists, quoted strings,
 * numbers, True/False/None) as JSON text; anything else is left for JSON.parse to refuse.
 */
export function pythonLiteralAsJson(text: string): string | null {
  let out = '';
  for (let index = 0; index < text.length;) {
    const char = text[index];
    if (char === "'" || char === '"') {
      let value = '';
      let end = index + 1;
      for (; end < text.length && text[end] !== char; end++) {
        if (text[end] === '\\' && end + 1 < text.length) {
          end++;
          value += PYTHON_ESCAPES[text[end]] ?? `\\${text[end]}`;
        } else {
          value += text[end];
        }
      }
      if (end >= text.length) {
        return null;
      }
      out += JSON.stringify(value);
      index = end + 1;
      continue;
    }
    const number = /^\d+(\.\d*)?([eE][+-]?\d+)?/.exec(text.slice(index, index + 40))?.[0];
    if (number) {
      out += number;
      index += number.length;
      continue;
    }
    const word = /^[A-Za-z_]\w*/.exec(text.slice(index, index + 6))?.[0];
    if (word) {
      if (!(word in KEYWORDS)) {
        return null;
      }
      out += KEYWORDS[word];
      index += word.length;
      continue;
    }
    out += char;
    index++;
  }
  return out;
}
