import { findUnsafeText, jsonDepthExceeds, type TextLimits, type TextProblemKind } from '../http/text-safety';
import { FeedRejection } from './adapter';

/**
 * What one feed message may hold. Agency records and sensor messages are flat (a few levels at most), their longest
 * text a description of a few thousand characters; anything far beyond is refused before it reaches a schema.
 */
export const FEED_TEXT_LIMITS: TextLimits = { maxDepth: 16, maxStringLength: 20_000, maxNodes: 5_000 };

/** Largest MQTT message taken (a gauge reading or a position is well under 1 KiB). */
export const MQTT_PAYLOAD_MAX_BYTES = 64 * 1024;

const PROBLEM: Record<TextProblemKind, string> = {
  nul: '含有 U+0000（PostgreSQL 文本无法保存）',
  lone_surrogate: '含有孤立的 UTF-16 代理项（surrogate），不是有效的 Unicode 文本',
  too_long: `超过 ${FEED_TEXT_LIMITS.maxStringLength} 个字符`,
  too_deep: `嵌套超过 ${FEED_TEXT_LIMITS.maxDepth} 层`,
  too_many: `包含超过 ${FEED_TEXT_LIMITS.maxNodes} 个值`,
  not_finite: '不是有限数值',
};

/**
 * The JSON text of a delivery or message as a value. The nesting is measured on the text before parsing, so a
 * 10,000-deep body costs one pass; anything not JSON or too deep is `malformed`.
 */
export function parseFeedJson(text: string, what = '请求体'): unknown {
  if (jsonDepthExceeds(text, FEED_TEXT_LIMITS.maxDepth)) {
    throw new FeedRejection('malformed', `${what}${PROBLEM.too_deep}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new FeedRejection('malformed', `${what}不是有效的 JSON：${(err as Error).message}`);
  }
}

/**
 * Refuses a parsed record that the database could not store as it is (U+0000, lone surrogates) or that is beyond
 * the limits, naming the field: checked on the whole record, vendor extras included, since the record is kept.
 */
export function assertStorable(value: unknown, what: string): void {
  const p = findUnsafeText(value, FEED_TEXT_LIMITS);
  // A number beyond float range (1e999 in the text) is stored as null; the adapter judges a coordinate or count.
  if (p && p.kind !== 'not_finite')
    throw new FeedRejection('malformed', `${what}无法保存：${p.path ? `字段 ${p.path} ` : ''}${PROBLEM[p.kind]}`);
}
