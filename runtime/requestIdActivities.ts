// The activity side of the request id: an activity scheduled for a person's step carries the API request's
// id as a header (runtime/requestIdWorkflowInterceptors.ts); it runs inside that request's logging context,
// so every line it writes through runtime/logger.ts names the request, and the SDK's own activity lines get
// it as an attribute. One line per activity tells operations what each request made the worker do.
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { Logger } from 'pino';
import { elapsedMs } from './clock';
import { logger as productLogger, requestContext } from './logger';
import { requestIdIn } from './requestIdPayload';

export function requestIdActivities(log: Logger = productLogger): ActivityInterceptorsFactory {
  return (ctx) => {
    let requestId: string | undefined;
    return {
      inbound: {
        execute: (input, next) => {
          requestId = requestIdIn(input.headers);
          const started = elapsedMs();
          const fields = () => ({ workflowId: ctx.info.workflowExecution?.workflowId, activityType: ctx.info.activityType, attempt: ctx.info.attempt, local: ctx.info.isLocal, durationMs: Math.round(elapsedMs() - started) });
          const run = async () => {
            try {
              const result = await next(input);
              log.info(fields(), 'activity completed');
              return result;
            } catch (err) {
              log.warn({ ...fields(), err }, 'activity failed');
              throw err;
            }
          };
          return requestId ? requestContext.run({ requestId }, run) : run();
        },
      },
      outbound: {
        getLogAttributes: (input, next) => next(requestId ? { ...input, requestId } : input),
      },
    };
  };
}
