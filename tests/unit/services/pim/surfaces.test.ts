// The one list of surfaces: reading a surface out of a key or card data accepts exactly the listed
// ones, and each surface's token goes to the API its PIM calls go to.
import assert from 'node:assert/strict';
import { eligibilityKey } from '../../../../services/pim/model';
import { configured, isSurface, SURFACE_TOKEN_RESOURCE, SURFACES, surfaceOfKey, type Surface } from '../../../../services/pim/surfaces';

describe('services/pim surfaces', () => {
  it('reads the surface back out of every key the model makes', () => {
    for (const surface of SURFACES) assert.equal(surfaceOfKey(eligibilityKey(surface, '/subscriptions/s|x', 'role')), surface);
  });

  it('names no surface for keys that do not start with a listed one', () => {
    for (const key of [
      '',
      'entraRole',
      '|/|role',
      'EntraRole|/|role',
      'azure|/subscriptions/s|r',
      'azureResourceX|/|r',
      'constructor|/|r',
      'toString|/|r',
    ]) {
      assert.equal(surfaceOfKey(key), undefined, key);
    }
  });

  it('accepts only listed surfaces from untyped input', () => {
    assert.deepEqual(SURFACES.filter(isSurface), [...SURFACES]);
    for (const v of [undefined, null, 1, '', 'Group', 'hasOwnProperty', ['group'], { surface: 'group' }])
      assert.equal(isSurface(v), false, String(v));
  });

  it('lists the configured slots of a per-surface table in the one order, skipping the unconfigured', () => {
    type Provider = { readonly surface: Surface; readonly name: string };
    const slot = <S extends Surface>(surface: S) => ({ surface, name: `${surface} provider` });
    assert.deepEqual(
      configured<Provider>({ azureResource: slot('azureResource'), group: slot('group'), entraRole: slot('entraRole') }).map(
        (p) => p.surface,
      ),
      ['entraRole', 'group', 'azureResource'],
    );
    assert.deepEqual(
      configured<Provider>({ entraRole: slot('entraRole'), group: undefined, azureResource: slot('azureResource') }).map((p) => p.surface),
      ['entraRole', 'azureResource'],
    );
  });

  it('takes Azure resource tokens for ARM and the others for Graph', () => {
    assert.deepEqual(SURFACE_TOKEN_RESOURCE, { entraRole: 'graph', group: 'graph', azureResource: 'arm' });
  });
});
