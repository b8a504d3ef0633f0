import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ApiError, PLATFORM_CONFIG, generateApiKey, hashApiKey, quoteIdent, serviceSchema } from '@jobledger/platform';
import type { PlatformConfig, Principal, Role } from '@jobledger/platform';

export interface CreatedKey {
  id: string;
  /** Shown once, here; only its hash is stored. */
  key: string;
  role: Role;
  accountId: string;
}

/** Accounts and API keys. Account admins manage their own account's keys; the platform admin any account's. */
@Injectable()
export class AccessService {
  private readonly schema: string;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    this.schema = quoteIdent(serviceSchema(config));
  }

  async createAccount(principal: Principal, name: string): Promise<{ id: string; name: string }> {
    if (!principal.platformAdmin) throw new ApiError('FORBIDDEN', 'only the platform admin key (JOBLEDGER_ADMIN_KEY) may create accounts');
    const id = randomUUID();
    const rows = await this.dataSource.query(`INSERT INTO ${this.schema}.accounts (id, name) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING id`, [id, name]);
    if (rows.length === 0) throw new ApiError('ALREADY_EXISTS', `an account named "${name}" already exists; choose another name`, { name });
    return { id, name };
  }

  async createKey(principal: Principal, role: Role, accountId: string | undefined): Promise<CreatedKey> {
    const target = accountId ?? principal.accountId;
    if (target !== principal.accountId && !principal.platformAdmin) {
      throw new ApiError('FORBIDDEN', "an account admin manages its own account's keys only; leave accountId out or use the platform admin key");
    }
    const [account] = await this.dataSource.query(`SELECT id FROM ${this.schema}.accounts WHERE id = $1`, [target]);
    if (!account) throw new ApiError('NOT_FOUND', `account "${target}" does not exist; create it with POST /v1/accounts`, { accountId: target });
    const key = generateApiKey();
    const id = randomUUID();
    await this.dataSource.query(`INSERT INTO ${this.schema}.api_keys (id, account_id, role, key_hash) VALUES ($1, $2, $3, $4)`, [id, target, role, hashApiKey(key)]);
    return { id, key, role, accountId: target };
  }

  /** Revokes a key; another account's key id is 404 (unless the caller is the platform admin). */
  async revokeKey(principal: Principal, id: string): Promise<void> {
    // A CTE, because TypeORM answers a bare UPDATE … RETURNING with [rows, count].
    const rows = await this.dataSource.query(
      `WITH revoked AS (
         UPDATE ${this.schema}.api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL AND ($2 OR account_id = $3) RETURNING id
       ) SELECT id FROM revoked`,
      [id, principal.platformAdmin, principal.accountId],
    );
    if (rows.length === 0) throw new ApiError('NOT_FOUND', `no active key "${id}" in this account`, { id });
  }
}
