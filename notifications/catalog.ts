// Every message the rules name, with the variables its template may use and sample values for previews
// and for the test that renders each template in each language.

export type Audience = 'customer' | 'staff';

export interface TemplateEntry {
  key: string;
  rule: string;
  audience: Audience;
  what: string;
  sample: Record<string, unknown>;
  /** Variables that may be null (the template says something else then). */
  optional?: string[];
}

const customer = { customerName: '王先生', storeName: '示范4S店', plate: '苏F12345' };

export const TEMPLATE_CATALOG: readonly TemplateEntry[] = [
  { key: 'maintenance-reminder', rule: 'R2', audience: 'customer', what: 'maintenance reminder 13 days before due', sample: { ...customer, dueDate: '2026-12-05' } },
  {
    key: 'appointment-staff',
    rule: 'R10',
    audience: 'customer',
    what: 'the day before: SA and technician named',
    sample: { ...customer, bookedFor: '2026-11-29T02:00:00.000Z', advisorName: '李顾问', technicianName: '张师傅' },
  },
  { key: 'appointment-reminder', rule: 'R11', audience: 'customer', what: 'day-of arrival reminder', sample: { ...customer, bookedFor: '2026-11-29T02:00:00.000Z' } },
  {
    key: 'additional-work',
    rule: 'R13',
    audience: 'customer',
    what: 'additional work found by the workshop, explained before the SA calls',
    sample: {
      ...customer,
      extraHours: 2,
      items: [
        { description: '前刹车片更换', priceCny: '480.00', safety: true },
        { description: '空调滤芯', priceCny: '120.00', safety: false },
      ],
    },
  },
  { key: 'pickup-notice', rule: 'R15', audience: 'customer', what: 'come to pick up: 1 or 4 hours before ready', sample: { ...customer, readyAt: '2026-11-29T07:00:00.000Z' } },
  {
    key: 'late-notice',
    rule: 'R15',
    audience: 'customer',
    what: 'the car will be late: reason and apology',
    sample: { ...customer, readyAt: '2026-11-29T09:30:00.000Z', reason: '配件晚到 / a part arrived late' },
  },
  { key: 'survey-invitation', rule: 'R17', audience: 'customer', what: 'follow-up survey announced before the 3DC call', sample: { ...customer, deliveredOn: '2026-11-29' } },
  {
    key: 'failure-ticket-page',
    rule: 'R18',
    audience: 'staff',
    what: 'service-failure ticket page to the level that must answer (R18/R24)',
    sample: {
      vin: 'LSVAU2180N2183294',
      grade: 'C',
      rule: 'R18',
      reason: 'CSI quality score 6',
      level: 1,
      answerBy: '2026-11-30T02:00:00.000Z',
      ackCode: 'K7Q2M9XD',
      ackUrl: 'http://localhost:3000/api/pages/K7Q2M9XD/ack',
    },
  },
  { key: 'new-car-care', rule: 'R20', audience: 'customer', what: 'new-car care message before the 7DC call', sample: { ...customer, days: 7 } },
  { key: 'birthday-greeting', rule: 'R21', audience: 'customer', what: 'birthday greeting 2–7 days before', sample: { ...customer, birthday: '2026-12-01' } },
  { key: 'holiday-greeting', rule: 'R21', audience: 'customer', what: 'holiday greeting the day before a holiday of the store\'s list', sample: { ...customer, holiday: '国庆节', holidayDate: '2026-10-01' } },
  { key: 'inspection-reminder', rule: 'R21', audience: 'customer', what: 'annual inspection reminder a week before', sample: { ...customer, inspectionDate: '2026-12-01' } },
  { key: 'insurance-renewal-reminder', rule: 'R21', audience: 'customer', what: 'insurance renewal reminder a week before', sample: { ...customer, renewalDate: '2026-12-01' } },
  {
    key: 'first-service-invitation',
    rule: 'R22',
    audience: 'customer',
    what: "first service due: the sales consultant will confirm the time",
    sample: { ...customer, deadline: '2027-02-20', consultantName: '周销售' },
    optional: ['consultantName'],
  },
  {
    key: 'report-delivery',
    rule: 'R23',
    audience: 'staff',
    what: "a store's report (daily, weekly, monthly, 3DC, service failures) to its managers when it falls due",
    sample: {
      storeName: '示范4S店',
      title: { zh: '日报 2026-12-06 – 2026-12-07', en: 'Daily report 2026-12-06 – 2026-12-07' },
      asOf: '2026-12-07T01:00:00.000Z',
      lines: [
        { zh: '昨日 · 昨日预约', en: "Yesterday · Yesterday's bookings", count: 12, base: '' },
        { zh: '车间 · 其中预约进店', en: 'Workshop · Of which booked', count: 9, base: 11 },
      ],
      url: 'http://localhost:3000/stores/demo-store/reports/DAILY/2026-12-06/2026-12-07',
    },
  },
  {
    key: 'fleet-request-page',
    rule: 'R25',
    audience: 'staff',
    what: "a fleet's request left unanswered for 24 hours, paged to the service manager",
    sample: { storeName: '示范4S店', fleetName: '苏州顺达物流', vins: 'LSVAU2180N2183294', requestedFor: '2026-12-10T01:00:00.000Z', service: '10 辆车常规保养', answerBy: '2026-12-08T02:00:00.000Z' },
  },
  {
    key: 'fleet-repair-report',
    rule: 'R25',
    audience: 'customer',
    what: "a fleet vehicle's repair report (work, labour hours, cost) to the fleet's contacts after delivery",
    sample: {
      storeName: '示范4S店',
      fleetName: '苏州顺达物流',
      contactName: '陈经理',
      plate: '苏E66666',
      vin: 'LSVAU2180N2183294',
      deliveredAt: '2026-12-09T08:30:00.000Z',
      items: [
        { description: '常规保养（机油、机滤）', laborHours: 1, priceCny: '480.00' },
        { description: '前刹车片更换', laborHours: 1.5, priceCny: '620.00' },
      ],
      laborHours: 2.5,
      totalCny: '1100.00',
      settledCny: '1100.00',
    },
  },
];

export function catalogEntry(key: string): TemplateEntry | undefined {
  return TEMPLATE_CATALOG.find((entry) => entry.key === key);
}
