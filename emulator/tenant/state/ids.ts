import { createHash, randomUUID } from 'node:crypto';

/** A GUID derived from its inputs, so the seed has the same ids on every machine and every reset. */
export function stableGuid(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest();
  h[6] = (h[6]! & 0x0f) | 0x40;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

export function newGuid(): string {
  return randomUUID();
}

// Graph builds instance ids from the role and principal GUIDs in .NET byte order, base64url-encoded
// (e.g. "lAPpYvVpN0KRkAEhdxReEJ2SvT9WjGJEhR4OuaezoqU-1"); we do the same so ids look familiar.
export function graphPairId(roleDefinitionId: string, principalId: string): string {
  return Buffer.concat([dotNetGuidBytes(roleDefinitionId), dotNetGuidBytes(principalId)]).toString('base64url');
}

function dotNetGuidBytes(guid: string): Buffer {
  const hex = guid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) return createHash('sha256').update(guid).digest().subarray(0, 16);
  const b = Buffer.from(hex, 'hex');
  // The first three fields are little-endian in .NET's Guid.ToByteArray().
  return Buffer.concat([
    Buffer.from(b.subarray(0, 4)).reverse(),
    Buffer.from(b.subarray(4, 6)).reverse(),
    Buffer.from(b.subarray(6, 8)).reverse(),
    b.subarray(8),
  ]);
}

export const GUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
