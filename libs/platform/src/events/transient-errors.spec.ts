import { isTransient } from './managed-consumer';

describe('isTransient', () => {
  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['Postgres shutting down', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['too many connections', Object.assign(new Error('sorry, too many clients already'), { code: '53300' })],
    ['a lost pool connection', new Error('Connection terminated unexpectedly')],
    ['a broker error', Object.assign(new Error('broker not available'), { name: 'KafkaJSConnectionError' })],
    ['a deadlock Postgres broke by rolling this transaction back', Object.assign(new Error('deadlock detected'), { code: '40P01' })],
    ['a serialization failure', Object.assign(new Error('could not serialize access due to concurrent update'), { code: '40001' })],
  ])('treats %s as transient: the batch is redelivered', (_what, error) => {
    expect(isTransient(error)).toBe(true);
  });

  it.each([
    ['bad input for a column', Object.assign(new Error('invalid input syntax for type integer: "abc"'), { code: '22P02' })],
    ['a broken constraint', Object.assign(new Error('null value in column "status"'), { code: '23502' })],
    ['a bug in a projector', new TypeError("Cannot read properties of undefined (reading 'status')")],
  ])('treats %s as lasting: the event is dead-lettered', (_what, error) => {
    expect(isTransient(error)).toBe(false);
  });
});
