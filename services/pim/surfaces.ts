// The one list of PIM surfaces. Every table over them is a Record<Surface, ...> so that the
// compiler names each table (titles, token resources, ...) a new surface would have to fill in.
import type { Resource } from '../identity/tokenProvider';

/** Where an eligibility lives in PIM, in the order the role list shows them. */
export const SURFACES = ['entraRole', 'group', 'azureResource'] as const;

export type Surface = (typeof SURFACES)[number];

export function isSurface(value: unknown): value is Surface {
  return typeof value === 'string' && (SURFACES as readonly string[]).includes(value);
}

/** The surface an eligibility or assignment key (`surface|scope|role`) names; undefined for anything else. */
export function surfaceOfKey(key: string): Surface | undefined {
  const prefix = key.slice(0, key.indexOf('|'));
  return key.includes('|') && isSurface(prefix) ? prefix : undefined;
}

/** The API each surface's PIM calls go to, and so the audience of the user's token for it. */
export const SURFACE_TOKEN_RESOURCE: Readonly<Record<Surface, Resource>> = {
  entraRole: 'graph',
  group: 'graph',
  azureResource: 'arm',
};

/**
 * One slot per surface for something that serves that surface only (a PIM provider, an approvals
 * port); undefined where the surface is not configured (no ARM endpoint, say). A new surface makes
 * every such table fail to compile until it says what serves it.
 */
export type PerSurface<T extends { readonly surface: Surface }> = { readonly [S in Surface]: (T & { readonly surface: S }) | undefined };

/** The configured slots, in SURFACES order. */
export function configured<T extends { readonly surface: Surface }>(table: PerSurface<T>): T[] {
  return SURFACES.flatMap((surface) => {
    const slot = table[surface];
    return slot ? [slot] : [];
  });
}
