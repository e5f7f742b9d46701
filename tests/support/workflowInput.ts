// The input a workflow's current run was started with, read back through the client's data converter:
// the product seals every payload (runtime/payloadCodec.ts), so the history's bytes are not the input.
import type { Client } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';

// The test reads whatever the workflow was given.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function startInputOf(client: Client, workflowId: string): Promise<any> {
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events!;
  const payloads = events[0].workflowExecutionStartedEventAttributes!.input!.payloads!;
  return decodeFromPayloadsAtIndex(client.options.loadedDataConverter, 0, payloads);
}
