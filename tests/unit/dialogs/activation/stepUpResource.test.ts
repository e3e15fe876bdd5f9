// A step-up sign-in gets a token for the API that asked for it: the resource travels on the PimError
// (details.resource), and the dialog never reads it out of the eligibility key.
import assert from 'node:assert/strict';
import { TestAdapter } from 'botbuilder';
import sinon from 'sinon';
import { checkAndSubmit, type SubmitItem } from '../../../../dialogs/activation/submit';
import type { PendingStepUp, StepUpStarter } from '../../../../dialogs/deps';
import type { Resource } from '../../../../services/identity/tokenProvider';
import { PimError } from '../../../../services/pim/errors';
import type { ActivationInput, UserContext } from '../../../../services/pim/model';
import { DEMO_TENANT_ID, DEMO_USERS } from '../../../../emulator/tenant/demoTenant';
import { dialogDeps, fakePim, KEYS } from '../../../support/botHarness';
import { allSurfaces, SURFACE_KEYS } from '../surfaces';

const alice: UserContext = { userId: DEMO_USERS.alice.id, tenantId: DEMO_TENANT_ID };
const CLAIMS = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';

function item(key: string, label: string): SubmitItem {
  return { key, label, input: { eligibilityKey: key, durationMinutes: 60 } };
}

/** Submits `items` once; PIM's dry run asks for a step-up from the API `resourceOf` names per key. */
async function submitWithStepUp(
  items: SubmitItem[],
  resourceOf: (key: string) => Resource | undefined,
): Promise<{ begun: PendingStepUp[]; replies: string[] }> {
  const pim = fakePim(allSurfaces());
  (pim.service.validate as sinon.SinonStub).callsFake(async (_user: UserContext, input: ActivationInput) => {
    const resource = resourceOf(input.eligibilityKey);
    throw new PimError('authenticationRequired', 'PIM requires a stronger sign-in', { claims: CLAIMS, ...(resource ? { resource } : {}) });
  });
  const begun: PendingStepUp[] = [];
  const stepUp: StepUpStarter = { begin: async (_context, _user, pending) => (begun.push(pending), 'https://login.example/step-up') };
  const deps = { ...dialogDeps(pim), stepUp };
  const replies: string[] = [];
  const adapter = new TestAdapter(async (context) => {
    context.onSendActivities(async (_c, activities, send) => (replies.push(...activities.map((a) => JSON.stringify(a))), send()));
    await checkAndSubmit(context, deps, alice, items, []);
  });
  await adapter.send('go');
  return { begun, replies };
}

describe('dialogs: step-up sign-in for the resource the PIM error names', () => {
  it('one sign-in per API the refusals came from, even for the same claims', async () => {
    const { begun } = await submitWithStepUp(
      [
        item(KEYS.securityAdministrator, 'Security Administrator'),
        item(SURFACE_KEYS.contributor, 'Contributor'),
        item(SURFACE_KEYS.readerWeb, 'Reader on rg-web'),
      ],
      (key) => (key === KEYS.securityAdministrator ? 'graph' : 'arm'),
    );
    assert.deepEqual(
      begun.map((b) => [b.resource, b.inputs.map((i) => i.eligibilityKey)]),
      [
        ['graph', [KEYS.securityAdministrator]],
        ['arm', [SURFACE_KEYS.contributor, SURFACE_KEYS.readerWeb]],
      ],
    );
    assert.ok(begun.every((b) => b.claims === CLAIMS && b.inputs.every((i) => i.claims === CLAIMS)));
  });

  it("takes the error's resource, not a guess from the eligibility key", async () => {
    const { begun } = await submitWithStepUp([item(KEYS.securityAdministrator, 'Security Administrator')], () => 'arm');
    assert.deepEqual(
      begun.map((b) => b.resource),
      ['arm'],
    );
  });

  it('starts no sign-in when the refusal does not say which API it needs a token for', async () => {
    const { begun, replies } = await submitWithStepUp([item(KEYS.securityAdministrator, 'Security Administrator')], () => undefined);
    assert.equal(begun.length, 0);
    assert.ok(replies.length > 0, 'the user still gets an answer');
  });
});
