// R25: the records of a fleet request's deadline workflow (workflows/fleetRequest/): the request with its
// answer deadline and the advisors' task, and at a missed deadline the page and the task for the service
// manager. The answer itself is a command (commands/fleets.ts) that locks the same row, so an answer and
// an escalation never both happen.
import { recordStoreEvent } from '../commands/storeAudit';
import type { FleetRequestActivities } from '../workflows/fleetRequest/activities';
import type { FleetRequestInput } from '../workflows/fleetRequest/definitions';
import { auditedStep, Tx } from './auditedStep';
import { Db } from './database';
import { queuePages } from './paging';
import { StepContext, stepKey } from './stepContext';
import { openTaskInTx } from './tasks';

/** Whether the request is answered, with its row locked until the step's transaction ends. */
async function answeredLocked(tx: Tx, requestId: string): Promise<boolean> {
  const [row] = await tx.$queryRaw<{ status: string }[]>`SELECT "status" FROM "FleetRequest" WHERE "id" = ${requestId} FOR UPDATE`;
  return row.status === 'ANSWERED';
}

export function fleetRequestActivities(db: Db): FleetRequestActivities {
  return {
    async recordFleetRequest(ctx: StepContext, input: FleetRequestInput, answerBy: string): Promise<null> {
      const data = { ...input, answerBy };
      return auditedStep(db, ctx, { step: 'fleet-request', action: 'fleet-request.received', rule: 'R25', actor: input.receivedBy, data }, async (tx, alsoAudited) => {
        await tx.fleetRequest.create({
          data: {
            id: input.requestId,
            fleetAccountId: input.fleetId,
            vehicles: { create: input.vins.map((vin) => ({ vin })) },
            requestedFor: new Date(input.requestedFor),
            service: input.service,
            receivedAt: new Date(input.receivedAt),
            receivedBy: input.receivedBy,
            answerBy: new Date(answerBy),
            workflowId: ctx.workflowId,
          },
        });
        await openTaskInTx(tx, ctx, { kind: 'FLEET_REQUEST_ANSWER', rule: 'R25', dueAt: answerBy, assigneeRole: 'SERVICE_ADVISOR' }, alsoAudited);
        // The step's own event is in the first vehicle's history; the request's other vehicles get theirs.
        await tx.auditEvent.createMany({
          data: input.vins.slice(1).map((vin) => ({ idempotencyKey: stepKey({ ...ctx, vin }, `fleet-request:${vin}`), vin, workflowId: ctx.workflowId, runId: ctx.runId, cycle: ctx.cycle, rule: 'R25', action: 'fleet-request.received', actor: input.receivedBy, occurredAt: new Date(ctx.at), data })),
        });
        await recordStoreEvent(tx, { storeId: input.storeId, action: 'fleet-request.received', actor: input.receivedBy, at: new Date(input.receivedAt), data });
        return null;
      });
    },

    async escalateFleetRequest(ctx: StepContext, input: FleetRequestInput, answerBy: string): Promise<{ alreadyAnswered: boolean }> {
      const record = { step: 'fleet-request-deadline', action: 'fleet-request.deadline-passed', rule: 'R25', actor: 'system', data: { requestId: input.requestId, answerBy } };
      return auditedStep(db, ctx, record, async (tx, alsoAudited) => {
        if (await answeredLocked(tx, input.requestId)) return { alreadyAnswered: true };
        await tx.fleetRequest.update({ where: { id: input.requestId }, data: { escalatedAt: new Date(ctx.at) } });
        await queuePages(tx, ctx, {
          storeId: input.storeId,
          roles: ['SERVICE_MANAGER'],
          step: 'fleet-request-page',
          template: 'fleet-request-page',
          rule: 'R25',
          payload: { fleetName: input.fleetName, vins: input.vins.join(', '), requestedFor: input.requestedFor, service: input.service, answerBy },
          acknowledged: false,
        });
        // The manager answers now: the task is due at once.
        await openTaskInTx(tx, ctx, { kind: 'FLEET_REQUEST_ANSWER', rule: 'R25', dueAt: ctx.at, assigneeRole: 'SERVICE_MANAGER', attempt: 2 }, alsoAudited);
        await recordStoreEvent(tx, { storeId: input.storeId, action: 'fleet-request.escalated', actor: 'system', at: new Date(ctx.at), data: { requestId: input.requestId, to: 'SERVICE_MANAGER', answerBy } });
        return { alreadyAnswered: false };
      });
    },
  };
}
