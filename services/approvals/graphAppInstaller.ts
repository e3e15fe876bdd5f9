// Installs the bot's Teams app in a person's personal scope through Graph with the bot's application
// token (TeamsAppInstallation.ReadWriteSelfForUser.All: it may install only its own app), so it can reach an approver who never opened it.
// Teams then sends the bot an installationUpdate from that person's 1:1 chat, which is where the
// conversation reference comes from; the next sweep posts the pending card there.

import type { AppTokenProvider } from '../identity/tokenProvider';
import { isPimError } from '../pim/errors';
import type { GraphApi } from '../pim/graph/graphApi';
import { assertGuid } from '../pim/graph/odata';
import { TtlCache } from '../pim/ttlCache';
import type { AppInstallerPort } from './port';

/**
 * How long an install's answer stands for a person. Teams answers a new install with an
 * installationUpdate within seconds (the directory then has the chat), and an app installed already
 * (409) stays installed, so another POST within this time could change nothing, yet each is a write
 * against Graph's quota for the app and tenant: in a burst, every approval request of a role would
 * install the app for the same approvers again.
 */
export const INSTALL_REMEMBERED_MS = 10 * 60_000;

type InstallAnswer = 'installed' | 'alreadyInstalled';

export class GraphAppInstaller implements AppInstallerPort {
  private readonly bind: string;
  /** Per user id: the answer of the last install, shared by callers while it is in flight; failures are not kept. */
  private readonly answered: TtlCache<InstallAnswer>;

  constructor(
    private readonly graph: GraphApi,
    private readonly appTokens: AppTokenProvider,
    options: {
      /** The app's id in the organization's Teams app catalog (not the manifest id). */
      readonly catalogAppId: string;
      /** https://graph.microsoft.com in production; the emulator's origin locally. */
      readonly graphBaseUrl: string;
      readonly rememberMs?: number;
      readonly now?: () => number;
    },
  ) {
    const catalogId = assertGuid(options.catalogAppId, 'Teams app catalog id');
    this.bind = `${new URL(options.graphBaseUrl).origin}/v1.0/appCatalogs/teamsApps/${catalogId}`;
    this.answered = new TtlCache(options.rememberMs ?? INSTALL_REMEMBERED_MS, options.now);
  }

  async installForUser(userId: string): Promise<InstallAnswer> {
    const id = assertGuid(userId, 'user id');
    return this.answered.get(id.toLowerCase(), () => this.install(id));
  }

  private async install(id: string): Promise<InstallAnswer> {
    const token = await this.appTokens.getAppToken('graph');
    try {
      await this.graph.post(token, `/users/${id}/teamwork/installedApps`, { 'teamsApp@odata.bind': this.bind });
      return 'installed';
    } catch (e) {
      // Installed already (by the person, an admin policy or an earlier attempt): nothing to do.
      if (isPimError(e) && e.details.httpStatus === 409) return 'alreadyInstalled';
      throw e;
    }
  }
}
