import type { Response } from 'express';
import type { Identity } from './identity';

/** The value of one cookie from a Cookie header (no decoding needed: session tokens are base64url). */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/** HttpOnly (no script can read it), SameSite=Strict (never sent on cross-site requests), Secure behind HTTPS. */
export function setSessionCookie(res: Response, identity: Identity, token: string, expiresAt: Date): void {
  res.cookie(identity.cookie.name, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: identity.cookie.secure,
    path: '/',
    maxAge: Math.max(0, expiresAt.getTime() - Date.now()),
  });
}

export function clearSessionCookie(res: Response, identity: Identity): void {
  res.clearCookie(identity.cookie.name, { httpOnly: true, sameSite: 'strict', secure: identity.cookie.secure, path: '/' });
}
