import { DefaultLogger, Runtime } from '@temporalio/worker';

// Worker start/stop chatter drowns test output; warnings and errors still show.
Runtime.install({ logger: new DefaultLogger('WARN') });
