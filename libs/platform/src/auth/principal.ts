export type Role = 'reader' | 'operator' | 'admin' | 'auditor';

export const ROLES: readonly Role[] = ['reader', 'operator', 'admin', 'auditor'];

/** Who is calling: resolved from the bearer key on every request. */
export interface Principal {
  keyId: string;
  accountId: string;
  role: Role;
  /** The bootstrap key: may manage every account and the platform's worker groups. */
  platformAdmin: boolean;
}

const GRANTS: Record<Role, readonly Role[]> = {
  reader: ['reader'],
  operator: ['reader', 'operator'],
  admin: ['reader', 'operator', 'admin'],
  auditor: ['reader', 'auditor'],
};

/** SPEC §1: operator = reader + job control; admin = operator + management; auditor = reader + replay/export. */
export function roleAllows(role: Role, required: Role): boolean {
  return GRANTS[role].includes(required);
}
