/** Turns the data of (type, fromVersion) into the data of fromVersion + 1. */
export type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

/** Keyed by `${type}@${fromVersion}`. Empty while every type is still at version 1. */
export type UpcasterTable = ReadonlyMap<string, Upcaster>;

export const UPCASTERS: UpcasterTable = new Map<string, Upcaster>();

export function upcastData(
  type: string,
  version: number,
  targetVersion: number,
  data: Record<string, unknown>,
  table: UpcasterTable,
): Record<string, unknown> | undefined {
  let current = data;
  for (let v = version; v < targetVersion; v++) {
    const step = table.get(`${type}@${v}`);
    if (!step) return undefined;
    current = step(current);
  }
  return current;
}
