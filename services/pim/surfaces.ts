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
