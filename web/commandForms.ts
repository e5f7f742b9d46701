// A command's form, derived from its schema: one field per input the schema takes, typed as the schema
// types it, so a step the API accepts always has its page form and a new input appears on the page by
// itself. The web layer adds only what a schema cannot say (where a select's options come from, which
// inputs the server fills in) as hints by field name.
import { z } from 'zod';

export type FieldKind = 'select' | 'number' | 'datetime' | 'text' | 'textarea' | 'checkbox' | 'hidden';

export interface FieldSpec {
  /** The input's path as the schema's issues name it: `note`, `items.0.priceCny`. */
  name: string;
  kind: FieldKind;
  /** Text key of the label: `field.<input>`. */
  label: string;
  required?: boolean;
  value?: string;
  /** Options as value + text key; `staff:<ROLE>`, `bays` and `stores` are filled from the database. */
  options?: { value: string; label: string }[] | 'bays' | 'stores' | `staff:${string}`;
  /** How the string becomes the body's value. */
  as?: 'number' | 'boolean' | 'instant';
  /** A row of a list input (the items of additional work), counted from 0. */
  row?: number;
  /** A time the step books: offered with the free times of the slot search. */
  books?: { moving: boolean };
  error?: string;
}

/** What a schema cannot say about a field: `omit` for inputs the server fills in. */
export type FieldHint = Partial<Pick<FieldSpec, 'kind' | 'options' | 'value' | 'books'>> | 'omit';

/** Empty rows a list input offers; a person rarely reports more items at once, and more can follow. */
export const LIST_ROWS = 3;

interface Unwrapped {
  schema: z.ZodType;
  optional: boolean;
}

function unwrap(schema: z.ZodType): Unwrapped {
  let inner = schema;
  let optional = false;
  for (;;) {
    const def = inner._zod.def as { type: string; innerType?: z.ZodType };
    if (!['optional', 'default', 'nullable', 'prefault'].includes(def.type) || !def.innerType) return { schema: inner, optional };
    optional = true;
    inner = def.innerType;
  }
}

function fieldOf(name: string, key: string, schema: z.ZodType, hint: FieldHint | undefined, row?: number): FieldSpec[] {
  if (hint === 'omit') return [];
  const { schema: inner, optional } = unwrap(schema);
  const def = inner._zod.def as { type: string; format?: string; element?: z.ZodType; shape?: Record<string, z.ZodType> };
  const base = { name, label: `field.${key}`, required: !optional, ...(row === undefined ? {} : { row }) };
  switch (def.type) {
    case 'enum':
      return [{ ...base, kind: 'select', options: (inner as z.ZodEnum).options.map((v) => ({ value: String(v), label: `option.${key}.${String(v)}` })), ...hint }];
    case 'number':
      return [{ ...base, kind: 'number', as: 'number', ...hint }];
    case 'boolean':
      return optional
        ? [{ ...base, kind: 'checkbox', as: 'boolean', ...hint }]
        : [{ ...base, kind: 'select', as: 'boolean', options: ['true', 'false'].map((v) => ({ value: v, label: `option.${key}.${v}` })), ...hint }];
    case 'string':
      if (def.format === 'datetime') return [{ ...base, kind: 'datetime', as: 'instant', ...hint }];
      return [{ ...base, kind: (inner.meta() as { multiline?: boolean } | undefined)?.multiline ? 'textarea' : 'text', ...hint }];
    case 'array': {
      const element = unwrap(def.element!).schema;
      const shape = (element._zod.def as { shape?: Record<string, z.ZodType> }).shape;
      if (!shape) throw new Error(`no form for the list ${name}`);
      return Array.from({ length: LIST_ROWS }, (_, i) => Object.entries(shape).flatMap(([k, s]) => fieldOf(`${name}.${i}.${k}`, k, s, undefined, i)).map((f) => ({ ...f, required: false }))).flat();
    }
    default:
      return [{ ...base, kind: 'text', ...hint }];
  }
}

/** The fields of an object schema, in the schema's order. */
export function fieldsOfSchema(schema: z.ZodType, hints: Record<string, FieldHint> = {}): FieldSpec[] {
  const shape = (unwrap(schema).schema._zod.def as { shape?: Record<string, z.ZodType> }).shape;
  if (!shape) throw new Error('a form needs an object schema');
  return Object.entries(shape).flatMap(([key, s]) => fieldOf(key, key, s, hints[key]));
}

/** `datetime-local` values carry no zone: they are the store's wall clock. */
export function storeLocalToInstant(value: string, utcOffsetMinutes: number): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return undefined;
  const sign = utcOffsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(utcOffsetMinutes);
  return `${value}:00${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * What the form sent for a field. A field may come once per input that carries it, in page order (a slot
 * picker's chosen time, empty for "another time", then the typed-in time): the first one filled is it.
 */
export function sentString(sent: unknown): string | undefined {
  const values = Array.isArray(sent) ? sent : [sent];
  return values.find((v): v is string => typeof v === 'string' && v.trim() !== '')?.trim();
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node: Record<string, unknown> = target;
  path.forEach((segment, i) => {
    if (i === path.length - 1) {
      node[segment] = value;
      return;
    }
    node[segment] ??= /^\d+$/.test(path[i + 1]) ? [] : {};
    node = node[segment] as Record<string, unknown>;
  });
}

/**
 * The request body from the form's strings: empty fields are left out (so are empty rows of a list),
 * typed fields converted; what the schema refuses, it names by the same paths.
 */
export function bodyFromFields(fields: readonly FieldSpec[], form: Record<string, unknown>, utcOffsetMinutes: number): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of fields) {
    const raw = f.name in form ? sentString(form[f.name]) : f.value;
    if (raw === undefined) continue;
    const value = f.as === 'number' ? Number(raw) : f.as === 'boolean' ? raw === 'true' : f.as === 'instant' ? (storeLocalToInstant(raw, utcOffsetMinutes) ?? raw) : raw;
    setPath(body, f.name.split('.'), value);
  }
  for (const [key, value] of Object.entries(body)) if (Array.isArray(value)) body[key] = value.filter((row) => row !== undefined);
  return body;
}

/**
 * The form's field a body path names: empty rows of a list are left out of the body, so the body's item 1
 * may be the person's row 2, and a reason about it belongs beside row 2.
 */
export function formFieldOf(fields: readonly FieldSpec[], form: Record<string, unknown>, path: string): string {
  const m = /^(\w+)\.(\d+)\.(.+)$/.exec(path);
  if (!m) return path;
  const [, list, index, key] = m;
  const rowFields = fields.filter((f) => f.row !== undefined && f.name.startsWith(`${list}.`));
  const filled = [...new Set(rowFields.map((f) => f.row!))].filter((row) => rowFields.some((f) => f.row === row && sentString(form[f.name]) !== undefined));
  const row = filled[Number(index)];
  return row === undefined ? path : `${list}.${row}.${key}`;
}
