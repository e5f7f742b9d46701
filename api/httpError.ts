/** An error the API answers with its status and reason (never a stack trace). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
    /** More fields of the answer beside `error`, e.g. a refused booking's `reason` and `nextFree` times. */
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
  }
}
