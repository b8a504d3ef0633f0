import { createHash, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Principal, Role } from './principal';

/** Keys are stored as SHA-256 hashes; the key itself is shown once when created and never again. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function generateApiKey(): string {
  return `jl_${randomBytes(24).toString('base64url')}`;
}

/** Contract: resolves the principal of an active (not revoked) key, or null when there is none. */
export interface ApiKeyStore {
  findByHash(keyHash: string): Promise<Principal | null>;
}

/** Reads the `api_keys` table that the submission service's migrations own. */
export class PgApiKeyStore implements ApiKeyStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly qualifiedTable: string,
  ) {}

  async findByHash(keyHash: string): Promise<Principal | null> {
    const rows: { id: string; account_id: string; role: Role }[] = await this.dataSource.query(
      `SELECT id, account_id, role FROM ${this.qualifiedTable} WHERE key_hash = $1 AND revoked_at IS NULL`,
      [keyHash],
    );
    const row = rows[0];
    return row ? { keyId: row.id, accountId: row.account_id, role: row.role, platformAdmin: false } : null;
  }
}
