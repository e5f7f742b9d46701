// Pages to the people of a role (R18 / R24 / R25): every active person of the roles in the store, by their
// e-mail (or phone), and the store's WeCom / DingTalk group robots where it has them; delivery is the
// outbox sender's job. A role with nobody in it is paged by role, so a page is never dropped for want of a name.
import type { StaffRole } from '../generated/prisma/enums';
import { channelConfig } from '../notifications/channelConfig';
import { newAckCode } from '../notifications/pageAck';
import type { Tx } from './auditedStep';
import { StepContext, stepKey } from './stepContext';

export interface Page {
  storeId: string;
  roles: readonly StaffRole[];
  /** The business step; the rows are keyed by it and the recipient, so a retry pages nobody twice. */
  step: string;
  template: string;
  rule: string;
  payload: Record<string, unknown>;
  /** Whether each row carries a code whose link acknowledges it (only a ladder that waits for acknowledgements asks). */
  acknowledged: boolean;
}

export async function queuePages(tx: Tx, ctx: StepContext, page: Page): Promise<void> {
  const staff = await tx.staff.findMany({ where: { storeId: page.storeId, role: { in: [...page.roles] }, active: true } });
  const recipients = staff.length ? staff.map((p) => p.email ?? p.phone ?? p.id) : page.roles;
  const robots: Array<'WECOM' | 'DINGTALK'> = [];
  for (const robot of ['WECOM', 'DINGTALK'] as const) if (await channelConfig(tx, page.storeId, robot)) robots.push(robot);
  const rows = [
    ...recipients.map((recipient) => ({ channel: 'PAGE' as const, recipient, key: stepKey(ctx, `${page.step}:${recipient}`) })),
    ...robots.map((channel) => ({ channel, recipient: 'group', key: stepKey(ctx, `${page.step}:${channel}`) })),
  ];
  await tx.notification.createMany({
    data: rows.map(({ channel, recipient, key }) => ({
      idempotencyKey: key,
      vin: ctx.vin,
      workflowId: ctx.workflowId,
      cycle: ctx.cycle,
      storeId: page.storeId,
      channel,
      template: page.template,
      rule: page.rule,
      recipient,
      payload: page.payload as never,
      scheduledFor: new Date(ctx.at),
      nextAttemptAt: new Date(ctx.at),
      ackCode: page.acknowledged ? newAckCode() : null,
    })),
    skipDuplicates: true,
  });
}
