import { createHmac, timingSafeEqual } from 'node:crypto';

/** Deliveries signed more than this far from the gateway's clock are refused (replay window). */
export const MAX_SKEW_S = 300;

export const TIMESTAMP_HEADER = 'x-feed-timestamp';
export const SIGNATURE_HEADER = 'x-feed-signature';

/** `sha256=<hex>` of HMAC-SHA256(secret, "<timestamp>.<raw body>"): what a sender puts in X-Feed-Signature. */
export function signFeed(secret: string, timestamp: number, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

export type SignatureCheck = { ok: true } | { ok: false; message: string };

/** Checks a delivery's signature and timestamp against the source's secret, in constant time. */
export function checkSignature(
  secret: string,
  timestampHeader: string | undefined,
  signatureHeader: string | undefined,
  body: Buffer,
  nowMs: number,
): SignatureCheck {
  if (!timestampHeader || !/^\d{9,11}$/.test(timestampHeader)) {
    return { ok: false, message: 'X-Feed-Timestamp（Unix 秒）缺失或不是数字' };
  }
  const ts = Number(timestampHeader);
  if (Math.abs(nowMs / 1000 - ts) > MAX_SKEW_S) {
    return {
      ok: false,
      message: `X-Feed-Timestamp 与网关时钟相差超过 ${MAX_SKEW_S} 秒（重放的请求，或发送方时钟不准）：请校准时钟后重新签名发送`,
    };
  }
  if (!signatureHeader || !/^sha256=[0-9a-f]{64}$/.test(signatureHeader)) {
    return { ok: false, message: 'X-Feed-Signature 缺失，或不是 "sha256=<64 位十六进制数字>" 的格式' };
  }
  const expected = Buffer.from(signFeed(secret, ts, body));
  const given = Buffer.from(signatureHeader);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, message: 'X-Feed-Signature 与该来源的请求体和时间戳不符：请核对签名密钥和签名方法' };
  }
  return { ok: true };
}
