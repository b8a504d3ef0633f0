/**
 * A map key for a job, for code that loads a batch's job rows by `(account_id, id)`: the account's
 * length keeps `("a", "bc")` apart from `("ab", "c")`.
 */
export function jobKey(accountId: string, jobId: string): string {
  return `${accountId.length}:${accountId}${jobId}`;
}
