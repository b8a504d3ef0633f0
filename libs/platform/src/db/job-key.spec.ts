import { jobKey } from './job-key';

describe('jobKey', () => {
  it('is the same for the same job and tells jobs apart wherever their account and id split', () => {
    expect(jobKey('acct', 'j1')).toBe(jobKey('acct', 'j1'));
    expect(jobKey('a', 'bc')).not.toBe(jobKey('ab', 'c'));
    expect(jobKey('a\n', 'b')).not.toBe(jobKey('a', '\nb'));
  });
});
