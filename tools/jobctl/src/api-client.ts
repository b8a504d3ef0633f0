import type { Role } from '@jobledger/platform';

export interface Me {
  keyId: string;
  accountId: string;
  role: Role;
  platformAdmin: boolean;
}

/** A failure the CLI reports in one line and exits 1 for. */
export class CliError extends Error {}

/** The few API calls jobctl makes; every failure becomes a CliError that says what to fix. */
export class ApiClient {
  constructor(
    private readonly url: string,
    private readonly key: string | undefined,
  ) {}

  me(): Promise<Me> {
    return this.get<Me>('/v1/me');
  }

  private async get<T>(path: string): Promise<T> {
    if (!this.key) throw new CliError('JOBLEDGER_KEY is not set: export JOBLEDGER_KEY=<your API key> (an auditor key for audit commands)');
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}`, { headers: { authorization: `Bearer ${this.key}` }, signal: AbortSignal.timeout(10_000) });
    } catch (error) {
      throw new CliError(`cannot reach Jobledger at JOBLEDGER_URL=${this.url} (${(error as Error).cause ?? (error as Error).message}); is it running?`);
    }
    const body = (await res.json().catch(() => ({}))) as T & { error?: { message?: string } };
    if (res.status === 401) throw new CliError(`JOBLEDGER_KEY was refused by ${this.url} (401): ${body.error?.message ?? 'unknown or revoked key'}`);
    if (!res.ok) throw new CliError(`GET ${path} answered ${res.status}: ${body.error?.message ?? JSON.stringify(body)}`);
    return body;
  }
}

/** Audits read the whole log: an auditor key, or the platform's bootstrap admin key. */
export function requireAuditor(me: Me): void {
  if (me.role !== 'auditor' && !me.platformAdmin) {
    throw new CliError(`audit needs an auditor key; this key (${me.keyId}) is ${me.role} of account ${me.accountId}. Ask an admin: POST /v1/keys {"role":"auditor"}`);
  }
}
