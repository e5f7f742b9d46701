// How times read on the pages: the store's wall clock (Asia/Shanghai), to the minute.
export const STORE_TIME_ZONE = 'Asia/Shanghai';

const timeFormat = new Intl.DateTimeFormat('sv-SE', { timeZone: STORE_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });

export function formatTime(value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  const d = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(d.getTime()) ? String(value) : timeFormat.format(d);
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** A fact's value: instants in store time, everything else as it is. */
export function formatFact(value: unknown): string {
  return typeof value === 'string' && ISO_INSTANT.test(value) ? formatTime(value) : String(value);
}
