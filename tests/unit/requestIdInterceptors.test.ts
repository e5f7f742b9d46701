// The workflow side of the request id, outside a worker: while a step's Update waits for its answer, the
// activities the workflow schedules and its log lines carry the Update's request id; after it, nothing does.
import { defaultPayloadConverter, type Headers } from '@temporalio/common';
import type { ActivityInput, UpdateInput, WorkflowInboundCallsInterceptor, WorkflowOutboundCallsInterceptor } from '@temporalio/workflow';
import { REQUEST_ID_HEADER, requestIdIn } from '../../runtime/requestIdPayload';
import { interceptors } from '../../runtime/requestIdWorkflowInterceptors';

const update = (headers: Headers): UpdateInput => ({ updateId: 'u-1', name: 'callOutcome', args: [], headers });
const activity = (): ActivityInput => ({ activityType: 'applyCallOutcome', args: [], options: { startToCloseTimeout: '1m' }, headers: {}, seq: 1 }) as ActivityInput;

function workflow() {
  const made = interceptors();
  return { inbound: made.inbound![0] as Required<Pick<WorkflowInboundCallsInterceptor, 'handleUpdate'>>, outbound: made.outbound![0] as Required<Pick<WorkflowOutboundCallsInterceptor, 'scheduleActivity' | 'getLogAttributes'>> };
}

async function scheduledHeaders(outbound: ReturnType<typeof workflow>['outbound']): Promise<Headers> {
  let seen: Headers = {};
  await outbound.scheduleActivity(activity(), async (input) => {
    seen = input.headers;
  });
  return seen;
}

test("an Update's request id is on what the workflow schedules and logs until the Update is answered", async () => {
  const { inbound, outbound } = workflow();
  let answer!: (value: unknown) => void;
  const handler = new Promise((resolve) => (answer = resolve));
  const answered = inbound.handleUpdate(update({ [REQUEST_ID_HEADER]: defaultPayloadConverter.toPayload('req-call-0001') }), () => handler);
  // The handler's own promise goes back, so the Update's answer takes no extra turn.
  expect(answered).toBe(handler);
  expect(requestIdIn(await scheduledHeaders(outbound))).toBe('req-call-0001');
  expect(outbound.getLogAttributes({ workflowId: 'vehicle-X' }, (a) => a)).toEqual({ workflowId: 'vehicle-X', requestId: 'req-call-0001' });
  answer({ stage: 'AWAITING_PREPARATION' });
  await answered;
  expect(await scheduledHeaders(outbound)).toEqual({});
  expect(outbound.getLogAttributes({ workflowId: 'vehicle-X' }, (a) => a)).toEqual({ workflowId: 'vehicle-X' });
});

test('an Update without a request id, or with a value that is no sane id, adds nothing', async () => {
  const { inbound, outbound } = workflow();
  const pending = new Promise(() => undefined);
  void inbound.handleUpdate(update({}), () => pending);
  expect(await scheduledHeaders(outbound)).toEqual({});
  void inbound.handleUpdate(update({ [REQUEST_ID_HEADER]: defaultPayloadConverter.toPayload('x\ny') }), () => pending);
  expect(await scheduledHeaders(outbound)).toEqual({});
  // Each workflow execution has its own: another lifecycle's Update does not leak into this one.
  void workflow().inbound.handleUpdate(update({ [REQUEST_ID_HEADER]: defaultPayloadConverter.toPayload('req-other-0001') }), () => pending);
  expect(await scheduledHeaders(outbound)).toEqual({});
});
