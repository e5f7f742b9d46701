import { ServiceError } from '@temporalio/client';
import { isTemporarilyUnavailable } from '../../api/unavailable';

const grpc = (code: number, details: string) => Object.assign(new Error(details), { code, details });

describe('which failures answer 503 instead of 500', () => {
  it('a query no worker answered in time (DEADLINE_EXCEEDED) and an unreachable Temporal server (UNAVAILABLE)', () => {
    expect(isTemporarilyUnavailable(new ServiceError('Failed to query workflow', { cause: grpc(4, 'query timed out before a worker could process it') }))).toBe(true);
    expect(isTemporarilyUnavailable(new ServiceError('Failed to start workflow', { cause: grpc(14, 'connection refused') }))).toBe(true);
  });

  it('a database connection that could not be had (Prisma P1001, P2024, P2028)', () => {
    for (const code of ['P1001', 'P2024', 'P2028']) expect(isTemporarilyUnavailable(Object.assign(new Error('db'), { code }))).toBe(true);
  });

  it('anything else stays an internal error: a bug must not look like an overload', () => {
    expect(isTemporarilyUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isTemporarilyUnavailable(new ServiceError('bad', { cause: grpc(3, 'invalid argument') }))).toBe(false);
    expect(isTemporarilyUnavailable(Object.assign(new Error('unique'), { code: 'P2002' }))).toBe(false);
    expect(isTemporarilyUnavailable(undefined)).toBe(false);
  });
});
