// SIGKILL at seeded random points of activation flows through a round-robin balancer, each kill
// followed by a restart of that instance. Shared by the scale-out test (10 kills) and `bench/soak.ts`
// (100 kills). The caller checks each flow (activationProblems): nothing lost, nothing doubled.
import { DEMO_ROLES } from '../tenant/demoTenant';
import type { TenantEmulator } from '../tenant/index';
import type { RoundRobinProxy } from './roundRobinProxy';
import { startBotProcess, type BotProcess } from './botProcess';
import type { RecordingConnector } from './recordingConnector';
import { openConversation, type ChatUser } from './chatDriver';
import { runActivation, type FlowResult } from './flows';

export interface KillLoopOptions {
  readonly proxy: RoundRobinProxy;
  /** The running instances, by the proxy's backend index; replaced in place on restart. */
  readonly instances: BotProcess[];
  readonly env: Readonly<Record<string, string>>;
  readonly connector: RecordingConnector;
  readonly tenantId: string;
  /** One flow (and one kill) per user. */
  readonly users: readonly ChatUser[];
  readonly random: () => number;
  /** Called after each flow, e.g. to assert on the tenant at once. */
  readonly afterFlow?: (user: ChatUser, flow: FlowResult) => void;
}

export interface KillLoopResult {
  readonly kills: number;
  /** Kills that hit an instance while it was answering a request. */
  readonly killedInFlight: number;
  /** Turns the user had to send again because their instance died under them. */
  readonly resent: number;
  readonly flows: FlowResult[];
}

export async function runKillLoop(options: KillLoopOptions): Promise<KillLoopResult> {
  const { proxy, instances, env } = options;
  let killedInFlight = 0;
  let resent = 0;
  const flows: FlowResult[] = [];
  for (const user of options.users) {
    // Kill whichever instance takes the k-th forwarded request of this flow, d ms after forwarding it.
    const killAt = Math.floor(options.random() * 3);
    const delayMs = Math.floor(options.random() * 120);
    let forwarded = 0;
    let killing: Promise<void> | undefined;
    proxy.onForward = (backend) => {
      if (forwarded++ !== killAt || killing) return;
      killing = (async () => {
        await new Promise((r) => setTimeout(r, delayMs));
        if (proxy.pending(backend) > 0) killedInFlight++;
        await instances[backend]!.kill();
        instances[backend] = await startBotProcess({ env });
        proxy.backends[backend] = `http://127.0.0.1:${instances[backend]!.port}`;
      })();
    };
    const conversation = openConversation({
      endpoint: `${proxy.url}/api/messages`,
      connector: options.connector,
      tenantId: options.tenantId,
      user,
    });
    const flow = await runActivation(conversation, {
      command: 'activate global reader',
      duration: '2h',
      justification: 'On call',
      retryDelayMs: 300,
    });
    await killing;
    proxy.onForward = undefined;
    resent += flow.resent;
    flows.push(flow);
    options.afterFlow?.(user, flow);
  }
  return { kills: options.users.length, killedInFlight, resent, flows };
}

/** What went wrong in one Global Reader flow of the loop, as PIM sees it: [] = ended active, one activation, one request. */
export function activationProblems(tenant: TenantEmulator, user: ChatUser, flow: FlowResult): string[] {
  const active = tenant.state
    .activeAssignments(user.aadObjectId)
    .filter((a) => a.roleDefinitionId === DEMO_ROLES.globalReader.id && a.assignmentType === 'Activated');
  const sent = tenant.state
    .assignmentRequests(user.aadObjectId)
    .filter((r) => !r.isValidationOnly && r.action.toLowerCase() === 'selfactivate' && r.status === 'Provisioned');
  const problems: string[] = [];
  if (flow.outcome !== 'active' && flow.outcome !== 'alreadyActive')
    problems.push(`${user.name}: ended ${flow.outcome}: ${flow.lastText.slice(0, 120)}`);
  if (active.length !== 1) problems.push(`${user.name}: ${active.length} active assignments (lost or doubled)`);
  if (sent.length !== 1) problems.push(`${user.name}: ${sent.length} activation requests (doubled or lost)`);
  return problems;
}
