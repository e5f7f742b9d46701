// `npm run scenario -- <file.json> [more.json …]`: rehearse vehicles on the time-skipping server and
// print each timeline as JSON.
import { DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import { readFile } from 'node:fs/promises';
import { createTimeSkippingEnv } from '../runtime/timeSkippingServer';
import { runScenario } from './runScenario';
import { scenarioSchema } from './scenario';

// The timeline goes to stdout; the worker's own chatter would only bury it.
Runtime.install({
  logger: new DefaultLogger('WARN', (entry) => process.stderr.write(`${entry.level} ${entry.message}\n`)),
  telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } },
});

async function main(files: string[]): Promise<void> {
  if (files.length === 0) throw new Error('usage: npm run scenario -- <scenario.json> [more.json …] (examples in scenarios/examples)');
  const scenarios = [];
  for (const file of files) {
    const parsed = scenarioSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    scenarios.push(parsed.data);
  }
  const env = await createTimeSkippingEnv();
  try {
    for (const scenario of scenarios) {
      const vehicles = await runScenario(env, scenario);
      process.stdout.write(JSON.stringify({ scenario: scenario.name, vehicles }, null, 2) + '\n');
    }
  } finally {
    await env.teardown();
  }
}

main(process.argv.slice(2)).catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
