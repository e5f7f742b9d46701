import { HttpError } from '../../api/httpError';
import { sendUpdate } from '../../commands/sendUpdate';

describe('a step never leaves its caller waiting in silence', () => {
  it('an Update not applied within the wait answers 504 with where the vehicle stands', async () => {
    const never = () => new Promise<never>(() => undefined);
    const err = await sendUpdate(never, 'no lifecycle', { waitMs: 20, whereItStands: async () => ({ stage: 'AWAITING_PREPARATION' }) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ status: 504, extra: { state: { stage: 'AWAITING_PREPARATION' } } });
    expect((err as HttpError).message).toMatch(/^the step was sent but not applied within 0.02 s/);
  });

  it('an Update answered in time is the answer', async () => {
    await expect(sendUpdate(async () => ({ stage: 'IN_SERVICE' }), 'no lifecycle', { waitMs: 1000 })).resolves.toEqual({ stage: 'IN_SERVICE' });
  });

  it('an Update that fails late, after the 504, is not an unhandled rejection', async () => {
    let fail: (e: Error) => void = () => undefined;
    const late = () => new Promise<never>((_, reject) => (fail = reject));
    await expect(sendUpdate(late, 'no lifecycle', { waitMs: 10 })).rejects.toMatchObject({ status: 504 });
    fail(new Error('applied failed later'));
    await new Promise((r) => setImmediate(r));
  });
});
