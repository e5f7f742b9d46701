// How many history events one service cycle costs (issue target: ≤ 150 for an ordinary cycle), for every
// documented scenario, on the time-skipping server with the real workflow code.
// Run: npm run bench:events
import { DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createTimeSkippingEnv } from '../runtime/timeSkippingServer';
import { runScenario } from '../scenarios/runScenario';
import { scenarioSchema } from '../scenarios/scenario';

Runtime.install({
  logger: new DefaultLogger('ERROR', (entry) => process.stderr.write(`${entry.level} ${entry.message}\n`)),
  telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } },
});

async function main(): Promise<void> {
  const dir = path.join(__dirname, '../scenarios/examples');
  const rows: Array<{ scenario: string; vin: string; endedAt: string; events: number }> = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const scenario = scenarioSchema.parse(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
    const env = await createTimeSkippingEnv();
    try {
      for (const outcome of await runScenario(env, scenario)) {
        const history = await env.client.workflow.getHandle(outcome.workflowId, outcome.firstRunId).fetchHistory();
        const last = history.events?.at(-1);
        const endedAt = last?.workflowExecutionContinuedAsNewEventAttributes ? 'continued as new' : last?.workflowExecutionTerminatedEventAttributes ? 'still running (terminated by the bench)' : 'other';
        rows.push({ scenario: file, vin: outcome.vin, endedAt, events: history.events?.length ?? 0 });
      }
    } finally {
      await env.teardown();
    }
  }
  console.table(rows);
  console.log(JSON.stringify({ target: 150, max: Math.max(...rows.map((r) => r.events)), rows }, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
