// A form's change refused by the shared notification modules (bad input, wrong state, does not render)
// becomes the message the person sees; anything else is a real error and propagates.
import { HttpError } from '../api/httpError';
import type { Flash } from './flash';
import { Lang, text } from './i18n';

export const REFUSALS = [400, 409, 422];

export async function flashOf(lang: Lang, done: string, change: () => Promise<unknown>): Promise<Flash> {
  try {
    await change();
    return { kind: 'ok', message: done };
  } catch (err) {
    if (err instanceof HttpError && REFUSALS.includes(err.status)) return { kind: 'error', message: `${text(lang, 'stepRefused')}: ${err.message}` };
    throw err;
  }
}
