/**
 * Where JSON text first goes wrong, as a character offset and what was expected there. V8's
 * JSON.parse does not always say (e.g. `Unexpected token '}', "…" is not valid JSON`), and a
 * person editing a payload file wants the line and column.
 */
export interface JsonFault { offset: number; expected: string }

export function locateJsonError(text: string): JsonFault | undefined {
  let i = 0;
  const ws = () => { while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++; };
  const fail = (expected: string): never => { throw { offset: i, expected } satisfies JsonFault; };
  const literal = (word: string) => { if (text.startsWith(word, i)) i += word.length; else fail('a value'); };
  const string = () => {
    i++; // opening quote
    for (; i < text.length; i++) {
      const ch = text[i]!;
      if (ch === '"') { i++; return; }
      if (ch === '\\') {
        const next = text[i + 1];
        if (next === 'u') { if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) { i += 2; fail('4 hex digits after \\u'); } i += 5; }
        else if (next !== undefined && '"\\/bfnrt'.includes(next)) i++;
        else { i++; fail('an escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)'); }
      } else if (ch < ' ') fail('no control character inside a string (escape it)');
    }
    fail('the closing "');
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) fail('a number');
    i += m![0].length;
  };
  const value = (depth: number): void => {
    if (depth > 512) fail('less nesting');
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++; ws();
      if (text[i] === '}') { i++; return; }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('a property name in double quotes');
        string(); ws();
        if (text[i] !== ':') fail("':' after the property name");
        i++;
        value(depth + 1); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return; }
        fail("',' or '}'");
      }
    }
    if (ch === '[') {
      i++; ws();
      if (text[i] === ']') { i++; return; }
      for (;;) {
        value(depth + 1); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return; }
        fail("',' or ']'");
      }
    }
    if (ch === '"') return string();
    if (ch === 't') return literal('true');
    if (ch === 'f') return literal('false');
    if (ch === 'n') return literal('null');
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return number();
    fail(ch === undefined ? 'a value (the text ends here)' : 'a value');
  };
  try {
    value(0); ws();
    if (i < text.length) fail('the end of the document');
    return undefined;
  } catch (err) {
    if (err && typeof err === 'object' && 'offset' in err) return err as JsonFault;
    throw err;
  }
}
