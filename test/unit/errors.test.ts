import { expect } from 'chai';
import { fromDatabaseError } from '../../server/errors.js';

describe('database errors shown to people', () => {
  it('a NUL or unencodable character is a 400 with a plain message, never an internal error', () => {
    const error = fromDatabaseError({ code: '22021', message: 'invalid byte sequence for encoding "UTF8": 0x00' });
    expect({ status: error.status, code: error.code, message: error.message }).to.deep.equal({ status: 400, code: 'invalid_value', message: 'Dữ liệu không hợp lệ.' });
  });

  it('a unique violation is a conflict, a serialization failure asks to retry, anything unknown stays a hidden 500', () => {
    expect(fromDatabaseError({ code: '23505' }).status).to.equal(409);
    expect(fromDatabaseError({ code: '40001' }).code).to.equal('retry');
    const unknown = fromDatabaseError(new Error('connection reset: SELECT secret'));
    expect(unknown.status).to.equal(500);
    expect(unknown.message).to.not.contain('secret');
  });
});

describe('database unavailable (a restart, a dropped connection)', () => {
  const cases: [string, unknown][] = [
    ['a fast shutdown terminating the session (57P01)', { code: '57P01', message: 'terminating connection due to administrator command' }],
    ['a server starting up or shutting down (57P03)', { code: '57P03', message: 'the database system is starting up' }],
    ['a connection exception (class 08)', { code: '08006', message: 'connection failure' }],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['node-postgres losing the socket', new Error('Connection terminated unexpectedly')],
    ['a client that errored before', new Error('Client has encountered a connection error and is not queryable')],
    ['TypeORM wrapping the driver error', { name: 'QueryFailedError', message: 'x', driverError: { code: '57P01' } }],
    ['a transaction whose connection was released after the error', { name: 'QueryRunnerProviderAlreadyReleasedError', message: 'released' }],
  ];
  for (const [what, error] of cases) {
    it(`${what} is a retryable 'unavailable' with a Vietnamese sentence`, () => {
      const appError = fromDatabaseError(error);
      expect({ status: appError.status, code: appError.code }).to.deep.equal({ status: 503, code: 'unavailable' });
      expect(appError.message).to.equal('Hệ thống đang tạm thời gián đoạn. Vui lòng thử lại sau ít giây.');
    });
  }

  it('an error in the statement itself is not mistaken for an outage', () => {
    expect(fromDatabaseError({ code: '42P01', message: 'relation "x" does not exist' }).code).to.equal('internal');
    expect(fromDatabaseError(new Error('connection reset: SELECT secret')).code).to.equal('internal');
  });
});
