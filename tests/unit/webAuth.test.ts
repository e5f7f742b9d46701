// Pure parts of sign-in, the policy and the web UI.
import { hashPassword, verifyPassword } from '../../api/auth/passwords';
import { maskPhone, maskPhonesDeep } from '../../api/auth/policy';
import { digest, verifyChainRows, type ChainRow } from '../../api/audit/verifyChain';
import { actionForTask, bodyFromForm } from '../../web/actions';
import { storeLocalToInstant } from '../../web/commandForms';
import { barChart } from '../../web/charts';
import { localPath } from '../../web/flash';
import { storeDay } from '../../web/pages/board';
import { formatFact } from '../../web/format';
import { waitingLabel } from '../../web/i18n';
import { timelineOf } from '../../web/timeline';

test('passwords: scrypt hashes with their own salt; only the right password verifies', async () => {
  const a = await hashPassword('s3cret-pass');
  const b = await hashPassword('s3cret-pass');
  expect(a).toMatch(/^scrypt\$16384\$8\$1\$/);
  expect(a).not.toBe(b);
  expect(await verifyPassword('s3cret-pass', a)).toBe(true);
  expect(await verifyPassword('s3cret-pasS', a)).toBe(false);
  expect(await verifyPassword('anything', null)).toBe(false);
  expect(await verifyPassword('anything', 'plain-text')).toBe(false);
});

test('phone masking keeps the first three and last four digits, at any depth, leaving class instances alone', () => {
  expect(maskPhone('13812345678')).toBe('138****5678');
  expect(maskPhone('+86 138-1234-5678')).toBe('861****5678');
  expect(maskPhone('123')).toBe('****');
  const when = new Date(0);
  expect(maskPhonesDeep({ customer: { phone: '13812345678', name: '王' }, list: [{ contactPhone: '13912345678' }], when })).toEqual({
    customer: { phone: '138****5678', name: '王' },
    list: [{ contactPhone: '139****5678' }],
    when,
  });
});

test('redirect targets stay on this site', () => {
  expect(localPath('/inbox', '/')).toBe('/inbox');
  expect(localPath('//evil.example', '/')).toBe('/');
  expect(localPath('/\\evil.example', '/')).toBe('/');
  expect(localPath('https://evil.example', '/')).toBe('/');
  expect(localPath(undefined, '/x')).toBe('/x');
});

test('forms: store wall-clock times become instants, numbers and yes/no are typed, empty fields left out', () => {
  expect(storeLocalToInstant('2026-11-25T10:30', 480)).toBe('2026-11-25T10:30:00+08:00');
  expect(storeLocalToInstant('2026-11-25T10:30', -330)).toBe('2026-11-25T10:30:00-05:30');
  expect(storeLocalToInstant('tomorrow', 480)).toBeUndefined();
  expect(bodyFromForm(actionForTask('REMINDER_CALL')!, { outcome: 'BOOKED', bookedFor: '2026-11-25T10:30', note: '' }, 480)).toEqual({ outcome: 'BOOKED', bookedFor: '2026-11-25T10:30:00+08:00' });
  expect(bodyFromForm(actionForTask('PROGRESS_CHECK')!, { onTime: 'false', newPromisedReadyAt: '2026-11-25T18:00' }, 480)).toEqual({ onTime: false, newPromisedReadyAt: '2026-11-25T18:00:00+08:00' });
  expect(bodyFromForm(actionForTask('FOLLOW_UP_CALL')!, { attitudeScore: '9', qualityScore: '7' }, 480)).toEqual({ attitudeScore: 9, qualityScore: 7 });
  // R7: the confirmation call's one action confirms.
  expect(bodyFromForm(actionForTask('CONFIRMATION_CALL')!, {}, 480)).toEqual({ outcome: 'CONFIRMED' });
  expect(actionForTask('NO_SHOW_CALL')).toBeUndefined();
});

test('timeline: who by name, system steps apart, the facts a person wants', () => {
  const entries = timelineOf(
    [
      { action: 'booking.confirmed', actor: 'sa-li', rule: 'R7', occurredAt: new Date(0), cycle: 1, data: { note: 'ok', result: { deep: true }, outcome: 'CONFIRMED' } },
      { action: 'task.opened', actor: 'system', rule: 'R10', occurredAt: new Date(1), cycle: 1, data: { kind: 'STAFF_ASSIGNMENT' } },
    ],
    new Map([['sa-li', '李顾问']]),
  );
  expect(entries.map((e) => [e.actorName, e.human, e.rule, e.facts])).toEqual([
    ['李顾问', true, 'R7', ['outcome: CONFIRMED', 'note: ok']],
    ['system', false, 'R10', ['kind: STAFF_ASSIGNMENT']],
  ]);
});

test("R11 today's board: the store's calendar day, not the server's", () => {
  const { day, start, end } = storeDay(new Date('2026-11-22T17:30:00Z'));
  expect(day).toBe('2026-11-23');
  expect(start.toISOString()).toBe('2026-11-22T16:00:00.000Z');
  expect(end.toISOString()).toBe('2026-11-23T16:00:00.000Z');
});

test('charts escape their labels', () => {
  const svg = barChart([{ label: '<script>', value: 3, warn: true }], 'x"y');
  expect(svg).not.toContain('<script>');
  expect(svg).toContain('&#60;script&#62;');
  expect(svg).toContain('class="bar warn"');
});

test('chain verifier: numbering, links and content', () => {
  const base = { idempotencyKey: 'k', vin: 'V', workflowId: 'w', runId: 'r', cycle: '1', rule: '', action: 'a', actor: 'x', occurredAt: '2026-11-22T00:00:00.000', data: '{}' };
  const first: ChainRow = { ...base, id: '1', chainSeq: 1, prevHash: '', hash: '' };
  first.hash = digest('', first);
  const second: ChainRow = { ...base, id: '2', idempotencyKey: 'k2', chainSeq: 2, prevHash: first.hash, hash: '' };
  second.hash = digest(first.hash, second);
  expect(verifyChainRows([first, second]).problems).toEqual([]);
  expect(verifyChainRows([first, { ...second, actor: 'y' }]).problems).toEqual([expect.stringContaining('altered')]);
  expect(verifyChainRows([second]).problems).toEqual([expect.stringContaining('expected position 1'), expect.stringContaining('does not link')]);
});

test('pages speak the store: instants in Shanghai time, what a lifecycle waits for in Chinese', () => {
  expect(formatFact('2026-11-21T15:59:00.000Z')).toBe('2026-11-21 23:59');
  expect(formatFact('CONFIRMED')).toBe('CONFIRMED');
  expect(waitingLabel('zh', 'reminder call outcome (call 2)')).toBe('保养提醒电话结果');
  expect(waitingLabel('zh', 'inbound booking after: declined')).toBe('等待客户主动预约');
  expect(waitingLabel('zh', 'inbound booking (phone, web/app, counter)')).toBe('客户主动预约（电话、网站/App、前台）');
  expect(waitingLabel('en', 'delivery and settlement')).toBe('delivery and settlement');
  expect(waitingLabel('zh', 'something new')).toBe('something new');
});
