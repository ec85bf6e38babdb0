import { clip, errorAt } from './errors';
import { charAt } from './messages';

/**
 * Tokens of CQL2 text:
 * - `word`: a bare identifier, keyword or function name (`[\p{L}_][\p{L}\p{M}\p{Nd}_]*`); keywords are
 *   recognised by the parser, case-insensitively;
 * - `quoted`: a double-quoted property name, `value` without the quotes;
 * - `string`: a single-quoted character literal, `value` with each `''` turned into `'`;
 * - `number`: `[+-]` digits, decimals and exponent (`-12`, `.5`, `3.`, `1.5E-3`), `value` the source text;
 * - `op`: `=`, `<>`, `<`, `<=`, `>`, `>=`; `(`, `)`, `,`; and `eof` at the end.
 */
export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'op' | '(' | ')' | ',' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** The decoded text (see TokenKind). */
  readonly value: string;
  /** 0-based offset of the first character, and one past the last, in the filter text. */
  readonly start: number;
  readonly end: number;
}

const WORD = /[\p{L}_][\p{L}\p{M}\p{Nd}_]*/uy;
const NUMBER = /[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const SPACE = /\s+/uy;
const AFTER_NUMBER = /[\p{L}\p{Nd}_.]/u;

function matchAt(re: RegExp, text: string, at: number): string | null {
  re.lastIndex = at;
  const m = re.exec(text);
  return m ? m[0] : null;
}

/** Splits filter text into tokens; the last is always `eof`. Throws Cql2Error on text that is no token. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, value: string, start: number, end: number) => {
    tokens.push({ kind, value, start, end });
    i = end;
  };
  while (i < text.length) {
    const space = matchAt(SPACE, text, i);
    if (space) {
      i += space.length;
      continue;
    }
    const c = text[i]!;
    if (c === "'") {
      let value = '';
      let j = i + 1;
      for (;;) {
        const close = text.indexOf("'", j);
        if (close < 0)
          throw errorAt(
            text,
            i,
            `${charAt(i)}处的字符串 ${clip(text.slice(i))} 没有结束：字符串须以单引号 ' 结尾（其中的单引号写作 ''）`,
          );
        value += text.slice(j, close);
        if (text[close + 1] === "'") {
          value += "'";
          j = close + 2;
        } else {
          push('string', value, i, close + 1);
          break;
        }
      }
      continue;
    }
    if (c === '"') {
      const close = text.indexOf('"', i + 1);
      if (close < 0) throw errorAt(text, i, `${charAt(i)}处带双引号的属性名 ${clip(text.slice(i))} 没有结束：须以双引号 " 结尾`);
      if (close === i + 1) throw errorAt(text, i, `${charAt(i)}处的属性名为空（""）：请在双引号内写属性名`);
      push('quoted', text.slice(i + 1, close), i, close + 1);
      continue;
    }
    const number = matchAt(NUMBER, text, i);
    if (number) {
      const end = i + number.length;
      if (end < text.length && AFTER_NUMBER.test(text[end]!)) {
        const rest = matchAt(/[\p{L}\p{M}\p{Nd}_.+-]*/uy, text, end) ?? '';
        throw errorAt(text, i, `${charAt(i)}处的数字 "${clip(number + rest)}" 写法有误：数字写作 12、-1.5 或 1.5E3 这样的形式`);
      }
      push('number', number, i, end);
      continue;
    }
    const word = matchAt(WORD, text, i);
    if (word) {
      push('word', word, i, i + word.length);
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      push(c, c, i, i + 1);
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === '<=' || two === '>=' || two === '<>') {
      push('op', two, i, i + 2);
      continue;
    }
    if (c === '=' || c === '<' || c === '>') {
      push('op', c, i, i + 1);
      continue;
    }
    if (two === '!=') throw errorAt(text, i, `${charAt(i)}处的 "!=" 不是 CQL2 运算符：“不等于”请写作 <>`);
    const ch = String.fromCodePoint(text.codePointAt(i)!);
    throw errorAt(text, i, `${charAt(i)}处有无法识别的字符 ${JSON.stringify(ch)}`);
  }
  tokens.push({ kind: 'eof', value: '', start: text.length, end: text.length });
  return tokens;
}

/** How a token is named in messages: `"AND"`, `'abc'`, `"quoted name"`, `文本结尾` (end of input). */
export function describeToken(text: string, t: Token): string {
  if (t.kind === 'eof') return '文本结尾';
  const raw = clip(text.slice(t.start, t.end));
  return t.kind === 'string' || t.kind === 'quoted' ? raw : `"${raw}"`;
}
