import { rowsByKey } from './rows-by-key';

describe('rowsByKey', () => {
  it('probes the table once per distinct key, in key order, with one array parameter per key column', () => {
    const { sql, params } = rowsByKey({
      table: '"s".jobs',
      key: [['account_id', 'text'], ['id', 'text']],
      keys: [['acct', 'job "1"'], ['acct', 'job-2']],
      columns: 'account_id, id, view',
      forUpdate: true,
    });
    expect(sql.replace(/\s+/g, ' ')).toBe(
      'SELECT r.* FROM (SELECT DISTINCT account_id, id FROM unnest($1::text[], $2::text[]) AS u(account_id, id) ORDER BY account_id, id) k ' +
        'CROSS JOIN LATERAL (SELECT account_id, id, view FROM "s".jobs t WHERE t.account_id = k.account_id AND t.id = k.id LIMIT 1 FOR UPDATE) r',
    );
    expect(params).toEqual(['{"acct","acct"}', '{"job \\"1\\"","job-2"}']);
  });

  it('locks nothing unless asked, and needs a key column', () => {
    expect(rowsByKey({ table: 't', key: [['id', 'uuid']], keys: [], columns: 'id' }).sql).not.toContain('FOR UPDATE');
    expect(() => rowsByKey({ table: 't', key: [], keys: [], columns: 'id' })).toThrow('at least one key column');
  });
});
