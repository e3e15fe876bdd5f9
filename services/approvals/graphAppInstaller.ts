// Installs the bot's Teams app in a person's personal scope through Graph with the bot's application
// token (TeamsAppInstallation.ReadWriteSelfForUser.All: it may install only its own app), so it can reach an approver who never opened it.
// Teams then sends the bot an installationUpdate from that person's 1:1 chat, which is where the
// conversation reference comes from; the next sweep posts the pending card there.

import type { AppTokenProvider } from '../identity/tokenProvider';
import { isPimError } from '../pim/errors';
import type { GraphApi } from '../pim/graph/graphApi';
import { assertGuid } from '../pim/graph/odata';
import type { AppInstallerPort } from './port';

export class GraphAppInstaller implements AppInstallerPort {
  private readonly bind: string;

  constructor(
    private readonly graph: GraphApi,
    private readonly appTokens: AppTokenProvider,
    options: {
      /** The app's id in the organization's Teams app catalog (not the manifest id). */
      readonly catalogAppId: string;
      /** https://graph.microsoft.com in production; the emulator's origin locally. */
      readonly graphBaseUrl: string;
    },
  ) {
    const catalogId = assertGuid(options.catalogAppId, 'Teams app catalog id');
    this.bind = `${new URL(options.graphBaseUrl).origin}/v1.0/appCatalogs/teamsApps/${catalogId}`;
  }

  async installForUser(userId: string): Promise<'installed' | 'alreadyInstalled'> {
    const id = assertGuid(userId, 'user id');
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
