// A DMS cell as the value a command takes. DMS exports write the same thing many ways: dates as
// 2026-03-01, 2026/3/1, 2026年3月1日, 20260301 or an Excel serial number; full-width digits and letters;
// odometers with thousands separators and a unit; phones with +86, spaces and dashes; plates with the
// middle dot. What cannot be read is a reason in both languages, and the command never sees it.
import { addDays, CalendarDate, isCalendarDate } from '../domain/calendar';

export type CellType = 'text' | 'code' | 'vin' | 'plate' | 'phone' | 'date' | 'monthDay' | 'km' | 'amount' | 'flag';

export interface Unreadable {
  message: string;
  zh: string;
}

export type CellValue = string | number | boolean;

const unreadable = (message: string, zh: string): Unreadable => ({ message, zh });

/** Full-width digits, letters and punctuation (ＬＳＶ１２３) as their ASCII forms; Chinese characters stay. */
const narrow = (s: string) => s.normalize('NFKC').trim();

const pad = (n: string) => n.padStart(2, '0');

/** Excel counts days from 1899-12-30; a serial between 1950 and 2199 is a date cell exported as a number. */
const EXCEL_SERIALS = { min: 18_264, max: 109_574 };

export function parseDate(raw: string): CalendarDate | Unreadable {
  const s = narrow(raw);
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (m) {
    const date = `${m[1]}-${pad(m[2])}-${pad(m[3])}`;
    if (isCalendarDate(date)) return date;
  } else if (/^\d{5}(\.\d+)?$/.test(s)) {
    const serial = Math.floor(Number(s));
    if (serial >= EXCEL_SERIALS.min && serial <= EXCEL_SERIALS.max) return addDays('1899-12-30', serial);
  }
  return unreadable(`"${raw}" is not a date (2026-03-01, 2026/3/1 or 2026年3月1日)`, `“${raw}”不是日期（可写 2026-03-01、2026/3/1 或 2026年3月1日）`);
}

/** R21 greets by month and day: MM-DD, from MM-DD, 3月1日 or a whole date of birth. */
export function parseMonthDay(raw: string): string | Unreadable {
  const s = narrow(raw);
  const m = /^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(s);
  if (m) return `${pad(m[1])}-${pad(m[2])}`;
  const date = parseDate(raw);
  if (typeof date === 'string') return date.slice(5);
  return unreadable(`"${raw}" is not a birthday (03-01, 3月1日 or a date)`, `“${raw}”不是生日（可写 03-01、3月1日 或完整日期）`);
}

function parseNumber(raw: string, units: RegExp): number | undefined {
  const s = narrow(raw).replace(/[,\s]/g, '').replace(units, '');
  return /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : undefined;
}

export function parseKm(raw: string): number | Unreadable {
  return parseNumber(raw, /(km|公里|千米)$/i) ?? unreadable(`"${raw}" is not a distance in km`, `“${raw}”不是公里数`);
}

export function parseAmount(raw: string): number | Unreadable {
  return parseNumber(raw.replace(/^[¥￥]|元$/g, ''), /^(cny|rmb)|(cny|rmb)$/i) ?? unreadable(`"${raw}" is not an amount`, `“${raw}”不是金额`);
}

/** Mainland numbers are stored without the country code, so a customer is found by phone however it was typed. */
export function parsePhone(raw: string): string {
  const s = narrow(raw).replace(/[\s()（）-]/g, '');
  const mainland = /^(?:\+?86|0086)(1\d{10})$/.exec(s);
  return mainland ? mainland[1] : s;
}

/** 苏A·12345, 苏a 12345 and 苏A-12345 are one plate. */
export function parsePlate(raw: string): string {
  return narrow(raw).replace(/[\s·•・.-]/g, '').toUpperCase();
}

const YES = ['是', 'y', 'yes', 'true', '1', '新车'];
const NO = ['否', 'n', 'no', 'false', '0', ''];

export function parseFlag(raw: string): boolean | Unreadable {
  const s = narrow(raw).toLowerCase();
  if (YES.includes(s)) return true;
  if (NO.includes(s)) return false;
  return unreadable(`"${raw}" is not yes or no`, `“${raw}”不是“是”或“否”`);
}

/** The cell as its field's value; undefined for an empty cell (the field was not given). */
export function cellValue(type: CellType, raw: string): CellValue | Unreadable | undefined {
  if (raw === '') return undefined;
  switch (type) {
    case 'date':
      return parseDate(raw);
    case 'monthDay':
      return parseMonthDay(raw);
    case 'km':
      return parseKm(raw);
    case 'amount':
      return parseAmount(raw);
    case 'flag':
      return parseFlag(raw);
    case 'phone':
      return parsePhone(raw);
    case 'plate':
      return parsePlate(raw);
    case 'vin':
    case 'code':
      return narrow(raw).replace(/\s/g, '');
    case 'text':
      // Names keep their characters; runs of spaces (王　先生, "Li  Ming") become one.
      return raw.normalize('NFKC').replace(/\s+/g, ' ').trim();
  }
}

export const isUnreadable = (v: unknown): v is Unreadable => typeof v === 'object' && v !== null && 'zh' in v;
