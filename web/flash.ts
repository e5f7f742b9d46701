// One message carried across the redirect after a form (post/redirect/get), then forgotten.
import type { Request, Response } from 'express';
import { readCookies } from '../api/auth/middleware';

export interface Flash {
  kind: 'ok' | 'error';
  message: string;
}

const COOKIE = 'sl_flash';

export function setFlash(res: Response, flash: Flash): void {
  res.cookie(COOKIE, JSON.stringify(flash), { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 60_000 });
}

export function takeFlash(req: Request, res: Response): Flash | undefined {
  const raw = readCookies(req)[COOKIE];
  if (!raw) return undefined;
  res.clearCookie(COOKIE, { path: '/' });
  try {
    const parsed = JSON.parse(raw) as Flash;
    return parsed.kind === 'ok' || parsed.kind === 'error' ? { kind: parsed.kind, message: String(parsed.message).slice(0, 500) } : undefined;
  } catch {
    return undefined;
  }
}

/** Only a path on this site: never an absolute or protocol-relative address (open redirect). */
export function localPath(value: unknown, fallback: string): string {
  return typeof value === 'string' && /^\/(?![/\\])/.test(value) ? value : fallback;
}
