// Readers for JSON that arrives from Graph/ARM. Upstream bodies are untrusted `unknown`; these turn
// them into typed values or `undefined`, so mapping code never needs `any` or unchecked casts.

export type JsonRecord = { readonly [key: string]: unknown };

export function asRecord(value: unknown): JsonRecord | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonRecord) : undefined;
}

export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

export function readString(obj: JsonRecord | undefined, key: string): string | undefined {
  const v = obj?.[key];
  return typeof v === 'string' ? v : undefined;
}

export function readBoolean(obj: JsonRecord | undefined, key: string): boolean | undefined {
  const v = obj?.[key];
  return typeof v === 'boolean' ? v : undefined;
}

export function readRecord(obj: JsonRecord | undefined, key: string): JsonRecord | undefined {
  return asRecord(obj?.[key]);
}

export function readStrings(obj: JsonRecord | undefined, key: string): string[] {
  return asArray(obj?.[key]).filter((v): v is string => typeof v === 'string');
}

/** ISO date-time → Date; null for absent, null or unparseable values. */
export function readDate(obj: JsonRecord | undefined, key: string): Date | null {
  const v = readString(obj, key);
  if (v === undefined) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Enum values differ in case between Graph request and response ('AfterDuration' vs 'afterDuration'). */
export function sameEnum(value: string | undefined, expected: string): boolean {
  return value !== undefined && value.toLowerCase() === expected.toLowerCase();
}
