// Who may do what: one table of role × action, read by the one authorization middleware.
import type { StaffRole } from '../../generated/prisma/enums';

export const ROLES: StaffRole[] = [
  'SERVICE_ADVISOR',
  'CUSTOMER_RELATIONS',
  'TECHNICAL_DIRECTOR',
  'TECHNICIAN',
  'PARTS',
  'SALES_CONSULTANT',
  'BOOKING_SPECIALIST',
  'SERVICE_SUPERVISOR',
  'SERVICE_MANAGER',
  'CUSTOMER_MANAGER',
  'GENERAL_MANAGER',
  'AUDITOR',
];

const EVERYONE = ROLES;
const MANAGERS: StaffRole[] = ['SERVICE_SUPERVISOR', 'SERVICE_MANAGER', 'CUSTOMER_MANAGER', 'GENERAL_MANAGER'];

/** Every action a request can take; lifecycle steps are `step:<path>` after their API path. */
export const POLICY = {
  'vehicle.read': EVERYONE,
  'history.read': EVERYONE,
  'care.read': EVERYONE,
  'ticket.read': EVERYONE,
  'workflows.list': EVERYONE,
  'board.view': EVERYONE,
  'inbox.view': EVERYONE.filter((r) => r !== 'AUDITOR'),
  'manager.view': [...MANAGERS, 'AUDITOR'],
  'audit.read': ['AUDITOR', 'GENERAL_MANAGER'],
  'outbox.view': ['CUSTOMER_RELATIONS', 'CUSTOMER_MANAGER', 'SERVICE_MANAGER', 'GENERAL_MANAGER', 'AUDITOR'],
  // An undelivered message's task: CR or the SA reaches the customer another way, or sends it again.
  'outbox.settle': ['CUSTOMER_RELATIONS', 'CUSTOMER_MANAGER', 'SERVICE_ADVISOR', 'SERVICE_MANAGER'],
  // Opt-outs and the language of a customer's messages: whoever talks to the customer.
  'customer.contact-preferences': ['CUSTOMER_RELATIONS', 'CUSTOMER_MANAGER', 'SERVICE_ADVISOR', 'SERVICE_MANAGER'],
  'templates.read': EVERYONE,
  'templates.manage': ['CUSTOMER_MANAGER', 'SERVICE_MANAGER', 'GENERAL_MANAGER'],
  'channels.read': ['SERVICE_MANAGER', 'CUSTOMER_MANAGER', 'GENERAL_MANAGER', 'AUDITOR'],
  'channels.manage': ['SERVICE_MANAGER', 'GENERAL_MANAGER'],
  // R6 / R8 the workshop plan: everyone reads it; the people who place bookings hold and book bay time.
  'capacity.read': EVERYONE,
  'capacity.book': ['BOOKING_SPECIALIST', 'SERVICE_ADVISOR', 'CUSTOMER_RELATIONS', 'SALES_CONSULTANT', 'TECHNICAL_DIRECTOR', 'SERVICE_MANAGER'],
  // R6 / R9 parts: reservations and purchase orders are the parts department's; technicians pick.
  'parts.manage': ['PARTS', 'TECHNICAL_DIRECTOR', 'SERVICE_MANAGER'],
  'parts.pick': ['PARTS', 'TECHNICIAN', 'TECHNICAL_DIRECTOR'],
  // Every number the rules name (lead days, windows, thresholds, contact hours).
  'settings.read': EVERYONE,
  'settings.manage': ['SERVICE_MANAGER', 'GENERAL_MANAGER'],
  'vehicle.register': ['SERVICE_ADVISOR', 'CUSTOMER_RELATIONS', 'BOOKING_SPECIALIST', 'SALES_CONSULTANT', 'SERVICE_MANAGER'],
  // A vehicle moves to another store only by a manager, audited, with its lifecycle closed.
  'vehicle.transfer': ['SERVICE_MANAGER', 'GENERAL_MANAGER'],
  // R20 / R22 care calls; the general manager's office makes the sampled quarterly callbacks (R20).
  'care.call': ['CUSTOMER_RELATIONS', 'SALES_CONSULTANT', 'CUSTOMER_MANAGER', 'GENERAL_MANAGER'],
  'ticket.answer': ['SERVICE_ADVISOR', ...MANAGERS],
  // R3–R5 reminder calls and bookings: CR calls, the booking specialist places, the SA may too.
  'step:call-outcome': ['CUSTOMER_RELATIONS', 'BOOKING_SPECIALIST', 'SERVICE_ADVISOR', 'SERVICE_MANAGER'],
  'step:bookings': ['CUSTOMER_RELATIONS', 'BOOKING_SPECIALIST', 'SERVICE_ADVISOR', 'SALES_CONSULTANT', 'SERVICE_MANAGER'],
  'step:walk-in': ['SERVICE_ADVISOR', 'SERVICE_MANAGER'],
  // R6b the SA (or a manager) takes the deposit for expensive parts at the counter or by transfer.
  'step:parts-deposit': ['SERVICE_ADVISOR', 'SERVICE_MANAGER'],
  // R6 the technical director confirms preparation.
  'step:preparation-complete': ['TECHNICAL_DIRECTOR', 'SERVICE_MANAGER'],
  // R7–R9 the SA's confirmation call.
  'step:confirmation': ['SERVICE_ADVISOR', 'BOOKING_SPECIALIST', 'SERVICE_MANAGER'],
  // R10 the service manager assigns SA and technician.
  'step:staff-assignment': ['SERVICE_MANAGER', 'SERVICE_SUPERVISOR'],
  'step:check-in': ['SERVICE_ADVISOR', 'SERVICE_MANAGER'],
  'step:progress-check': ['SERVICE_ADVISOR', 'TECHNICAL_DIRECTOR', 'SERVICE_MANAGER'],
  'step:additional-work': ['TECHNICAL_DIRECTOR', 'TECHNICIAN', 'SERVICE_ADVISOR'],
  'step:additional-work/decision': ['SERVICE_ADVISOR', 'SERVICE_MANAGER'],
  'step:delivery': ['SERVICE_ADVISOR', 'SERVICE_MANAGER'],
  // R17 CR's follow-up call, R19 the sales consultant's call.
  'step:follow-up': ['CUSTOMER_RELATIONS', 'CUSTOMER_MANAGER', 'SERVICE_MANAGER'],
  'step:sales-call': ['SALES_CONSULTANT', 'CUSTOMER_MANAGER'],
  'step:correction': ['SERVICE_MANAGER', 'GENERAL_MANAGER'],
  // Issue 18: Temporal stores payloads encrypted; the Temporal UI's codec endpoint decodes them for the
  // people who read histories and the managers who look into a lifecycle (phones masked as elsewhere).
  'payloads.decode': ['AUDITOR', 'GENERAL_MANAGER', 'SERVICE_MANAGER', 'CUSTOMER_MANAGER'],
  // Issue 16 staff accounts: a manager adds, changes, disables their store's people (a general manager
  // any store's); which roles each may give is commands/staff.ts's `grantableRoles`.
  'staff.manage': ['SERVICE_MANAGER', 'GENERAL_MANAGER'],
  // Issue 16: a DMS export imported into the store; the store's customers, vehicles and history exported.
  'store.import': ['SERVICE_MANAGER', 'GENERAL_MANAGER', 'CUSTOMER_MANAGER'],
  'store.export': ['SERVICE_MANAGER', 'GENERAL_MANAGER', 'CUSTOMER_MANAGER', 'AUDITOR'],
  // R23 the store's reports (daily, weekly, monthly, 3DC, service failures) and the vehicles behind each figure.
  'reports.view': [...MANAGERS, 'AUDITOR'],
  // R23 one vehicle, two files (sales and service): the people who keep and use them.
  'files.read': ['CUSTOMER_RELATIONS', 'SERVICE_ADVISOR', 'SALES_CONSULTANT', ...MANAGERS, 'AUDITOR'],
  // R23 customer relations record that a visit's documents reached the service file.
  'documents.receive': ['CUSTOMER_RELATIONS', 'CUSTOMER_MANAGER'],
  // R22 the first-service booked-arrival rate: each consultant their own, managers every consultant's.
  'firstService.view': ['SALES_CONSULTANT', ...MANAGERS, 'AUDITOR'],
  // R25 corporate fleets: the people who take and answer their requests see them; a manager keeps the
  // accounts (contacts, vehicles); the advisors (and the booking specialist who places jobs) record a
  // fleet's request and answer it with time and place, the service manager too after an escalation.
  'fleet.read': ['SERVICE_ADVISOR', 'BOOKING_SPECIALIST', 'CUSTOMER_RELATIONS', ...MANAGERS, 'AUDITOR'],
  'fleet.manage': ['SERVICE_MANAGER', 'GENERAL_MANAGER'],
  'fleet.request': ['SERVICE_ADVISOR', 'BOOKING_SPECIALIST', 'SERVICE_MANAGER'],
  // Everyone chooses their own password (and must, after a new account or a reset).
  'password.change': EVERYONE,
} satisfies Record<string, readonly StaffRole[]>;

export type Action = keyof typeof POLICY;

/** The action of a lifecycle step's API path; a step without a row in the table is a programming error. */
export function stepAction(path: string): Action {
  const action = `step:${path}`;
  if (!(action in POLICY)) throw new Error(`no policy row for ${action}`);
  return action as Action;
}

export function can(role: StaffRole, action: Action): boolean {
  return (POLICY[action] as readonly StaffRole[]).includes(role);
}

/** Roles that call customers see their phone numbers; everyone else sees them masked. */
const CALLS_CUSTOMERS: StaffRole[] = ['SERVICE_ADVISOR', 'CUSTOMER_RELATIONS', 'BOOKING_SPECIALIST', 'SALES_CONSULTANT', 'SERVICE_SUPERVISOR', 'SERVICE_MANAGER', 'CUSTOMER_MANAGER'];

export function seesPhoneNumbers(role: StaffRole): boolean {
  return CALLS_CUSTOMERS.includes(role);
}

/** 13812345678 → 138****5678: enough to recognise, not enough to call. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 7) return '****';
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

/** Masks every value under a key that names a phone number, at any depth (records, payloads, audit data). */
export function maskPhonesDeep<T>(value: T): T {
  if (Array.isArray(value)) return value.map(maskPhonesDeep) as T;
  // Only plain objects: class instances (Date, Decimal) serialise themselves and stay as they are.
  if (value && typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value))) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = /phone/i.test(k) && typeof v === 'string' ? maskPhone(v) : maskPhonesDeep(v);
    return out as T;
  }
  return value;
}
