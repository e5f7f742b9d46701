// R20 / R22: the outcome of a care call, sent to the vehicle's care workflow.
import { careWorkflowId, recordCareCall } from '../workflows/care/contract';
import { defineCommand } from './command';
import { careCallSchema } from './schemas';
import { sendUpdate } from './sendUpdate';

export const careCallCommand = defineCommand({
  name: 'care.call',
  action: 'care.call',
  schema: careCallSchema,
  run: (ctx, { vin }, input) =>
    sendUpdate(() => ctx.client.workflow.getHandle(careWorkflowId(vin)).executeUpdate(recordCareCall, { args: [{ ...input, actor: ctx.principal.id }] }), `no care contacts for VIN ${vin}`),
});
