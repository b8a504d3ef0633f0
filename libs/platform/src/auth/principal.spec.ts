import { ROLES, roleAllows } from './principal';
import type { Role } from './principal';

describe('roleAllows', () => {
  const expected: Record<Role, Role[]> = {
    reader: ['reader'],
    operator: ['reader', 'operator'],
    admin: ['reader', 'operator', 'admin'],
    auditor: ['reader', 'auditor'],
  };

  it.each(ROLES)('grants %s exactly what the spec gives it', (role) => {
    expect(ROLES.filter((required) => roleAllows(role, required))).toEqual(expected[role]);
  });
});
