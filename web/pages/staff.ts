// Staff accounts in the admin UI (issue 16), the same commands as the API (commands/staff.ts): a store's
// people with an add form derived from the command's schema and, per row, change role, disable / enable,
// reset password (the temporary password shown on this answer only) and, for a sales consultant with
// customers, hand them to a colleague (R22). Also the password change everyone reaches (and a person
// with a password someone else chose is sent to first), and the one-time set-up of the first account.
import express, { Request, Response, Router } from 'express';
import type { z } from 'zod';
import { principalOf, SESSION_COOKIE } from '../../api/auth/middleware';
import { inStore } from '../../api/auth/principal';
import { openSession, SESSION_TTL_MS } from '../../api/auth/sessions';
import { HttpError } from '../../api/httpError';
import { Command, runCommand } from '../../commands/command';
import { createFirstAccount, firstAccountSchema, setupTokenWorks } from '../../commands/firstAccount';
import { parseInput } from '../../commands/input';
import {
  addStaffCommand,
  addStaffSchema,
  changeOwnPasswordCommand,
  changeRoleCommand,
  disableStaffCommand,
  enableStaffCommand,
  grantableRoles,
  reassignCustomersCommand,
  resetPasswordCommand,
  staffOfStore,
  StaffSubject,
} from '../../commands/staff';
import { fieldsOfSchema, sentString } from '../commandForms';
import { notFound, page, WebContext } from '../context';
import { fieldErrorsOf, FormState, sentValues } from '../fieldErrors';
import { localPath, setFlash, takeFlash } from '../flash';
import { Lang, text } from '../i18n';
import { langOf, renderPage } from '../render';
import { homeOf } from './session';

/** Refusals shown on the form they are about: bad input, a role one may not give, a taken id, a wrong colleague. */
const SHOWN_ON_FORM = [400, 403, 409, 422, 429];

const ADD_FIELDS = fieldsOfSchema(addStaffSchema).map((f) => ({ ...f, label: `staffField.${f.name}` }));
const ADD_NAMES = ADD_FIELDS.map((f) => f.name);
/** Passwords are never written back into a page, not even the one just refused. */
const SECRET_FIELDS = ['initialPassword', 'currentPassword', 'newPassword', 'confirmPassword', 'password'];
const SETUP_FIELDS = ['storeId', 'storeName', 'staffId', 'name', 'password', 'confirmPassword'];

const staffPath = (storeId: string) => `/stores/${encodeURIComponent(storeId)}/staff`;
const refusedHere = (err: unknown): err is HttpError => err instanceof HttpError && SHOWN_ON_FORM.includes(err.status);

/** A password field as typed: untrimmed, since spaces are part of a password. */
const secret = (form: Record<string, unknown>, name: string) => (typeof form[name] === 'string' ? (form[name] as string) : '');

/** The add form's body: an empty required field is sent empty, so the reason is "must not be empty". */
function addBody(form: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of ADD_FIELDS) {
    const value = SECRET_FIELDS.includes(f.name) ? secret(form, f.name) || undefined : sentString(form[f.name]);
    if (value !== undefined) body[f.name] = value;
    else if (f.required) body[f.name] = '';
  }
  return body;
}

function refusedState(req: Request, formId: string, err: HttpError, form: unknown, names: string[]): FormState {
  const values = sentValues(form, names.filter((n) => !SECRET_FIELDS.includes(n)));
  return { formId, values, ...fieldErrorsOf(err, names, langOf(req)) };
}

interface Shown {
  staffId: string;
  password: string;
}

export function staffPages(ctx: WebContext): Router {
  const router = express.Router();
  const { db } = ctx;

  /** The store of the address, when it exists and is the person's; another store's is not even confirmed. */
  const visibleStore = async (req: Request) => {
    const storeId = String(req.params.id);
    const store = inStore(principalOf(req), storeId) ? await db.store.findUnique({ where: { id: storeId }, select: { id: true, name: true } }) : null;
    if (!store) throw notFound(`no store ${storeId}`);
    return store;
  };

  const staffPage = async (req: Request, store: { id: string; name: string }, state?: FormState, shown?: Shown, flash = undefined as ReturnType<typeof takeFlash>) => {
    const p = principalOf(req);
    const grantable = grantableRoles(p.role);
    const [people, otherStores] = await Promise.all([staffOfStore(db, store.id), p.allStores ? db.store.findMany({ where: { id: { not: store.id } }, orderBy: { id: 'asc' }, select: { id: true, name: true } }) : []]);
    const consultants = people.filter((s) => s.active && s.role === 'SALES_CONSULTANT');
    const rows = people.map((s) => {
      const own = (kind: string) => (state?.formId === `${kind}:${s.id}` ? state : undefined);
      const manageable = grantable.includes(s.role) && s.id !== p.id;
      const roleValue = own('role')?.values.role ?? s.role;
      const reassignValue = own('reassign')?.values.to;
      return {
        ...s,
        self: s.id === p.id,
        manageable,
        roles: grantable.map((r) => ({ value: r, label: `option.role.${r}`, selected: r === roleValue })),
        roleError: own('role')?.errors.role,
        reassign: grantable.includes(s.role) && s.customers > 0 ? { options: consultants.filter((c) => c.id !== s.id).map((c) => ({ value: c.id, name: c.name, selected: c.id === reassignValue })), error: own('reassign')?.errors.to } : undefined,
        message: ['role', 'reassign', 'disable', 'enable', 'password-reset'].map((k) => own(k)?.message).find(Boolean),
      };
    });
    const addState = state?.formId === 'add' ? state : undefined;
    const addForm = {
      id: 'staff-add',
      formId: 'add',
      formAction: staffPath(store.id),
      returnTo: staffPath(store.id),
      hidden: [],
      submit: 'staffAddSubmit',
      message: addState?.message,
      refused: addState !== undefined,
      groups: [
        {
          fields: ADD_FIELDS.map((f) => {
            const value = addState?.values[f.name] ?? '';
            return { ...f, value, error: addState?.errors[f.name], options: f.name === 'role' ? grantable.map((r) => ({ value: r, label: `option.role.${r}`, selected: r === value })) : f.options };
          }),
        },
      ],
    };
    return renderPage(req, 'staff', `${text(langOf(req), 'staff')} · ${store.name}`, { store, otherStores, rows, addForm, shown: shown && { id: shown.staffId, name: people.find((s) => s.id === shown.staffId)?.name, password: shown.password }, flash });
  };

  router.get('/stores/:id/staff', page('staff.manage'), async (req, res) => {
    const store = await visibleStore(req);
    res.send(await staffPage(req, store, undefined, undefined, takeFlash(req, res)));
  });

  router.post('/stores/:id/staff', page('staff.manage'), async (req, res) => {
    const store = await visibleStore(req);
    const lang = langOf(req);
    try {
      const added = await runCommand(ctx.commands, principalOf(req), addStaffCommand, { storeId: store.id }, addBody(req.body ?? {}));
      if (added.temporaryPassword) return void res.status(201).send(await staffPage(req, store, undefined, { staffId: added.staff.id, password: added.temporaryPassword }, { kind: 'ok', message: `${text(lang, 'staffAdded')}: ${added.staff.name} (${added.staff.id})` }));
      setFlash(res, { kind: 'ok', message: `${text(lang, 'staffAdded')}: ${added.staff.name} (${added.staff.id})` });
      res.redirect(303, staffPath(store.id));
    } catch (err) {
      if (!refusedHere(err)) throw err;
      res.status(err.status).send(await staffPage(req, store, refusedState(req, 'add', err, req.body, ADD_NAMES)));
    }
  });

  /** A row's form: the command on the person named in the address, then back to their store's page. */
  const rowAction = <S extends z.ZodType, R>(kind: string, command: Command<S, R, StaffSubject>, bodyOf: (form: Record<string, unknown>) => unknown, names: string[], done: (lang: Lang, result: R) => string) => {
    router.post(`/staff/:staffId/${kind}`, page('staff.manage'), async (req: Request, res: Response) => {
      const p = principalOf(req);
      const staffId = String(req.params.staffId);
      const person = await db.staff.findUnique({ where: { id: staffId }, select: { storeId: true, store: { select: { id: true, name: true } } } });
      if (!person || !inStore(p, person.storeId)) throw notFound(`no staff member ${staffId}`);
      const form = (req.body ?? {}) as Record<string, unknown>;
      try {
        const result = await runCommand(ctx.commands, p, command, { staffId }, bodyOf(form));
        const reset = result as { temporaryPassword?: string };
        if (reset.temporaryPassword) return void res.send(await staffPage(req, person.store, undefined, { staffId, password: reset.temporaryPassword }, { kind: 'ok', message: done(langOf(req), result) }));
        setFlash(res, { kind: 'ok', message: done(langOf(req), result) });
        res.redirect(303, staffPath(person.storeId));
      } catch (err) {
        if (!refusedHere(err)) throw err;
        res.status(err.status).send(await staffPage(req, person.store, refusedState(req, `${kind}:${staffId}`, err, form, names)));
      }
    });
  };
  const nothing = () => ({});
  rowAction('role', changeRoleCommand, (f) => ({ role: sentString(f.role) ?? '' }), ['role'], (lang, s) => `${text(lang, 'staffRoleChanged')}: ${s.name} (${s.id})`);
  rowAction('disable', disableStaffCommand, nothing, [], (lang, s) => `${text(lang, 'staffWasDisabled')}: ${s.name} (${s.id})`);
  rowAction('enable', enableStaffCommand, nothing, [], (lang, s) => `${text(lang, 'staffWasEnabled')}: ${s.name} (${s.id})`);
  rowAction('password-reset', resetPasswordCommand, nothing, [], (lang, r) => `${text(lang, 'staffResetPassword')}: ${r.staffId}`);
  rowAction('reassign', reassignCustomersCommand, (f) => ({ to: sentString(f.to) ?? '' }), ['to'], (lang, r) => `${text(lang, 'staffReassigned')}: ${r.from} → ${r.to}, ${r.vins.length} ${text(lang, 'staffVehicles')}`);

  const passwordPage = (req: Request, state?: FormState) => renderPage(req, 'password', text(langOf(req), 'passwordTitle'), { forced: principalOf(req).mustChangePassword, form: state, next: localPath(req.query.next ?? req.body?.next, '') });

  router.get('/password', page('password.change'), (req, res) => {
    res.send(passwordPage(req));
  });

  router.post('/password', page('password.change'), async (req, res) => {
    const p = principalOf(req);
    const form = (req.body ?? {}) as Record<string, unknown>;
    const names = ['currentPassword', 'newPassword', 'confirmPassword'];
    try {
      if (secret(form, 'newPassword') !== secret(form, 'confirmPassword')) throw new HttpError(400, 'confirmPassword: the two new passwords differ', [{ path: 'confirmPassword', message: text(langOf(req), 'passwordsDiffer') }]);
      await runCommand(ctx.commands, p, changeOwnPasswordCommand, {}, { currentPassword: secret(form, 'currentPassword'), newPassword: secret(form, 'newPassword') });
    } catch (err) {
      if (!refusedHere(err)) throw err;
      return void res.status(err.status).send(passwordPage(req, refusedState(req, 'password', err, form, names)));
    }
    setFlash(res, { kind: 'ok', message: text(langOf(req), 'passwordChanged') });
    res.redirect(303, localPath(form.next, homeOf(p.role)));
  });

  // The set-up link's token is its own secret: nobody without it can send this form, so it needs no CSRF token.
  router.get('/setup/:token', async (req, res) => {
    await usableSetupLink(req);
    res.send(setupPage(req));
  });

  router.post('/setup/:token', async (req, res) => {
    const token = await usableSetupLink(req);
    const form = (req.body ?? {}) as Record<string, unknown>;
    const lang = langOf(req);
    let created;
    try {
      const body = Object.fromEntries(SETUP_FIELDS.filter((n) => n !== 'confirmPassword').map((n) => [n, n === 'password' ? secret(form, n) : (sentString(form[n]) ?? '')]));
      const account = parseInput(firstAccountSchema, body);
      if (secret(form, 'password') !== secret(form, 'confirmPassword')) throw new HttpError(400, 'confirmPassword: the two passwords differ', [{ path: 'confirmPassword', message: text(lang, 'passwordsDiffer') }]);
      created = await createFirstAccount(db, token, account, ctx.clock.now());
    } catch (err) {
      if (!refusedHere(err)) throw err;
      return void res.status(err.status).send(setupPage(req, refusedState(req, 'setup', err, form, SETUP_FIELDS)));
    }
    // The general manager goes on signed in, to add their people.
    const session = await openSession(db, created.staffId, 'WEB', ctx.clock.now());
    res.cookie(SESSION_COOKIE, session.token, { httpOnly: true, sameSite: 'lax', path: '/', secure: req.secure, maxAge: SESSION_TTL_MS.WEB });
    setFlash(res, { kind: 'ok', message: text(lang, 'setupDone') });
    res.redirect(303, staffPath(created.storeId));
  });

  async function usableSetupLink(req: Request): Promise<string> {
    const token = String(req.params.token);
    if (!(await setupTokenWorks(db, token, ctx.clock.now()))) throw notFound('this set-up link does not work (any more): it was used, has expired, or staff already exist');
    return token;
  }

  const setupPage = (req: Request, state?: FormState) =>
    renderPage(req, 'setup', text(langOf(req), 'setupTitle'), {
      action: req.originalUrl,
      form: state,
      fields: SETUP_FIELDS.map((name) => ({ name, label: `setupField.${name}`, secret: SECRET_FIELDS.includes(name), value: state?.values[name] ?? '', error: state?.errors[name] })),
    });

  return router;
}
