import assert from 'node:assert/strict';
import sinon from 'sinon';
import { GraphAppInstaller, INSTALL_REMEMBERED_MS } from '../../../../services/approvals/graphAppInstaller';
import { PimError } from '../../../../services/pim/errors';
import type { GraphApi } from '../../../../services/pim/graph/graphApi';
import type { AppTokenProvider } from '../../../../services/identity/tokenProvider';

const CATALOG = '11111111-2222-4333-8444-555555555555';
const DAVE = '0da7e000-0000-4000-8000-000000000004';

describe('GraphAppInstaller: an install answer is remembered per person', () => {
  let now = 0;
  let post: sinon.SinonStub;
  let installer: GraphAppInstaller;
  beforeEach(() => {
    now = 1_000_000;
    post = sinon.stub().resolves({});
    const appTokens: AppTokenProvider = { getAppToken: async () => 'app-token' } as unknown as AppTokenProvider;
    installer = new GraphAppInstaller({ post } as unknown as GraphApi, appTokens, {
      catalogAppId: CATALOG,
      graphBaseUrl: 'https://graph.example',
      now: () => now,
    });
  });

  it('sends one POST for callers at once and again within the window; again once the window has passed', async () => {
    assert.deepEqual(await Promise.all([installer.installForUser(DAVE), installer.installForUser(DAVE.toUpperCase())]), [
      'installed',
      'installed',
    ]);
    now += INSTALL_REMEMBERED_MS - 1;
    assert.equal(await installer.installForUser(DAVE), 'installed');
    assert.equal(post.callCount, 1);
    now += 2;
    post.rejects(new PimError('unknown', 'already installed', { httpStatus: 409 }));
    assert.equal(await installer.installForUser(DAVE), 'alreadyInstalled');
    assert.equal(post.callCount, 2);
    assert.deepEqual(post.firstCall.args.slice(1), [
      `/users/${DAVE}/teamwork/installedApps`,
      { 'teamsApp@odata.bind': `https://graph.example/v1.0/appCatalogs/teamsApps/${CATALOG}` },
    ]);
  });

  it('keeps no failure: a refused install is tried again by the next caller', async () => {
    post.onFirstCall().rejects(new PimError('throttled', 'Graph throttled the call', { retryAfterSeconds: 3 }));
    await assert.rejects(installer.installForUser(DAVE), (e: unknown) => e instanceof PimError && e.kind === 'throttled');
    assert.equal(await installer.installForUser(DAVE), 'installed');
    assert.equal(post.callCount, 2);
  });

  it('refuses an id that is not a GUID before any request', async () => {
    await assert.rejects(installer.installForUser("x' or 1 eq 1"), /not a GUID/);
    assert.equal(post.callCount, 0);
  });
});
