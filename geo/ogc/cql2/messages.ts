/**
 * Shared wording of the Chinese messages planners see for a CQL2 filter. Positions shown to people are 1-based
 * character numbers ("第 N 个字符"); the `offset` a Cql2Error carries stays 0-based. Counts are plain digits.
 */

/** "第 N 个字符" for a 0-based offset. */
export function charAt(offset: number): string {
  return `第 ${offset + 1} 个字符`;
}

/**
 * `subject` placed at `offset`: "第 N 个字符处的 subject" (a space before Latin text or quotes), or `subject` alone
 * when the place is not known.
 */
export function placedText(offset: number | undefined, subject: string): string {
  if (offset === undefined) return subject;
  const space = /^[\x21-\x7e]/.test(subject) ? ' ' : '';
  return `${charAt(offset)}处的${space}${subject}`;
}

/** A sentence about the whole filter placed at `offset`: "第 N 个字符处：sentence", or `sentence` alone. */
export function placedSentence(offset: number | undefined, sentence: string): string {
  return offset === undefined ? sentence : `${charAt(offset)}处：${sentence}`;
}

export const TOO_DEEP = (max: number) => `筛选条件嵌套超过 ${max} 层；请减少括号或 NOT 的层数`;
export const TOO_MANY_POSITIONS = (max: number) => `几何字面量的坐标点合计超过 ${max} 个；请简化几何`;
export const IN_TOO_LONG = (max: number) => `IN 列表超过 ${max} 项；请拆分条件`;
export const OUT_OF_RANGE = (raw: string) => `数字 "${raw}" 超出范围`;
