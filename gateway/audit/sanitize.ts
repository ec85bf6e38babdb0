/**
 * What never enters the audit log: passwords, tokens, cookies, secrets and ID-card numbers (身份证号).
 * Keys that name a secret are dropped whatever their value; ID-card numbers are masked in any string.
 */
const SECRET_KEY = /pass(word)?|pwd|token|secret|cookie|authori[sz]ation|credential|id_?card|identity_?no|身份证/i;
/** An 18-character resident ID number (GB 11643): 17 digits and a digit or X check character. */
const ID_CARD = /(?<![0-9A-Za-z])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])/g;
const MAX_STRING = 500;
const MAX_DEPTH = 4;
const MAX_KEYS = 40;

export const REDACTED = '[已隐去]';

export function maskIdNumbers(text: string): string {
  return text.replace(ID_CARD, REDACTED);
}

/** A sanitised copy of a free-form detail object, safe to store forever. */
export function sanitizeDetail(value: unknown, depth = 0): unknown {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string') {
    const masked = maskIdNumbers(value);
    return masked.length > MAX_STRING ? `${masked.slice(0, MAX_STRING)}…` : masked;
  }
  if (value instanceof Date) return value.toISOString();
  if (depth >= MAX_DEPTH) return '[…]';
  if (Array.isArray(value)) return value.slice(0, MAX_KEYS).map((v) => sanitizeDetail(v, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>).slice(0, MAX_KEYS)) {
      if (v === undefined || typeof v === 'function') continue;
      out[k] = SECRET_KEY.test(k) ? REDACTED : sanitizeDetail(v, depth + 1);
    }
    return out;
  }
  return String(value);
}

/** A short free-text field (object, username) with ID numbers masked and its length bounded. */
export function sanitizeText(text: string | null | undefined, max = 200): string | null {
  if (text === null || text === undefined) return null;
  const masked = maskIdNumbers(text);
  return masked.length > max ? `${masked.slice(0, max)}…` : masked;
}
