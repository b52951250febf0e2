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
