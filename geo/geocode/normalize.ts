import { Converter } from 'opencc-js/t2cn';

/**
 * Traditional → simplified Chinese, character by character (OpenCC's `t` → `cn` tables). The `t2cn` build of
 * opencc-js carries its dictionaries inside the JavaScript (about 110 kB), so it works offline and loads the same
 * way under tsx, Node's CommonJS and jest; the full build would add the reverse tables, which are not needed.
 */
const toSimplified = Converter({ from: 't', to: 'cn' });

/** Anything that is not a letter or a digit in any script: whitespace, punctuation, symbols such as · • － （）. */
const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]/gu;

/**
 * The form in which names and queries are compared, so that 哈爾濱 finds 哈尔滨, ＨＡＲＢＩＮ finds Harbin and
 * 哈医大四院 finds 哈尔滨医科大学第四附属医院（哈医大四院）.
 * NFKC first folds full-width Latin letters, digits and brackets to their ordinary forms; then traditional
 * characters become simplified; then Latin is lower-cased and everything but letters and digits removed.
 * Both the index and the query pass through this one function, so its choices only need to be consistent.
 */
export function normalizeName(text: string): string {
  return toSimplified(text.normalize('NFKC')).toLowerCase().replace(NOT_LETTER_OR_DIGIT, '');
}
