// Builds the bot (or just its dialogs) around a sinon-faked PimService, for unit tests:
// the demo tenant's Entra eligibilities for Alice, and helpers to talk and read the cards back.
import { ConversationState, MemoryStorage, TestAdapter, UserState, type Activity, type Storage } from 'botbuilder';
import sinon from 'sinon';
import { DEMO_ROLES, DEMO_GROUPS, DEMO_TENANT_ID, DEMO_USERS } from '../../emulator/tenant/demoTenant';
import { PimBot } from '../../bot/pimBot';
import { NULL_PORTS, silentLogger, type DialogDeps } from '../../dialogs/deps';
import { MainDialog } from '../../dialogs/mainDialog';
import {
  eligibilityKey,
  type ActivationInput,
  type ActivationRequest,
  type ActiveAssignment,
  type Constraints,
  type EligibilityWithConstraints,
  type UserContext,
} from '../../services/pim/model';
import type { PimService } from '../../services/pim/service';
import type { PimError } from '../../services/pim/errors';

export const NOW = new Date('2025-03-03T10:02:00Z');

export const ALICE = { id: '29:alice', name: DEMO_USERS.alice.displayName, aadObjectId: DEMO_USERS.alice.id } as const;
export const BOB = { id: '29:bob', name: DEMO_USERS.bob.displayName, aadObjectId: DEMO_USERS.bob.id } as const;

const DIRECTORY = { id: '/', displayName: 'Directory', kind: 'directory' } as const;
const PIM_APPROVERS = { kind: 'group', id: DEMO_GROUPS.pimApprovers.id, displayName: DEMO_GROUPS.pimApprovers.displayName } as const;

function constraints(overrides: Partial<Constraints>): Constraints {
  return {
    maxDurationMinutes: 480,
    minDurationMinutes: 5,
    requiresJustification: false,
    requiresTicket: false,
    requiresMfa: false,
    authenticationContext: null,
    requiresApproval: false,
    approvers: [],
    ...overrides,
  };
}

function entraRole(role: { id: string; displayName: string }, limits: Partial<Constraints>): EligibilityWithConstraints {
  return {
    eligibility: {
      key: eligibilityKey('entraRole', '/', role.id),
      surface: 'entraRole',
      roleId: role.id,
      roleName: role.displayName,
      scope: DIRECTORY,
      principalId: DEMO_USERS.alice.id,
      endDateTime: null,
    },
    constraints: constraints(limits),
  };
}

/** Alice's Entra eligibilities as DESIGN.md section 3 seeds them. */
export function aliceEligibilities(): EligibilityWithConstraints[] {
  return [
    entraRole(DEMO_ROLES.globalReader, { maxDurationMinutes: 480, requiresJustification: true }),
    entraRole(DEMO_ROLES.userAdministrator, {
      maxDurationMinutes: 240,
      requiresJustification: true,
      requiresTicket: true,
      requiresApproval: true,
      approvers: [PIM_APPROVERS],
    }),
    entraRole(DEMO_ROLES.securityAdministrator, { maxDurationMinutes: 120, authenticationContext: 'c1' }),
  ];
}

export const KEYS = {
  globalReader: eligibilityKey('entraRole', '/', DEMO_ROLES.globalReader.id),
  userAdministrator: eligibilityKey('entraRole', '/', DEMO_ROLES.userAdministrator.id),
  securityAdministrator: eligibilityKey('entraRole', '/', DEMO_ROLES.securityAdministrator.id),
  /** Carol's role: a well-formed key that is not Alice's. */
  privilegedRoleAdministrator: eligibilityKey('entraRole', '/', DEMO_ROLES.privilegedRoleAdministrator.id),
};

export interface FakePim {
  readonly service: PimService;
  readonly listEligibilities: sinon.SinonStub<[UserContext], Promise<EligibilityWithConstraints[]>>;
  readonly listActive: sinon.SinonStub<[UserContext], Promise<ActiveAssignment[]>>;
  readonly activate: sinon.SinonStub<[UserContext, ActivationInput], Promise<ActivationRequest>>;
  /** Eligibility keys of the requests PIM created (activate calls it did not refuse), in order. */
  readonly created: string[];
}

/** Activations succeed immediately (or wait for approval when the policy says so), starting at NOW. */
export function fakePim(eligibilities: EligibilityWithConstraints[] = aliceEligibilities()): FakePim {
  const listEligibilities = sinon.stub<[UserContext], Promise<EligibilityWithConstraints[]>>().resolves(eligibilities);
  const listActive = sinon.stub<[UserContext], Promise<ActiveAssignment[]>>().resolves([]);
  const lifecycle = lifecycleStubs();
  const created: string[] = [];
  const activate = sinon.stub<[UserContext, ActivationInput], Promise<ActivationRequest>>().callsFake(async (user, input) => {
    const request = await create(user, input);
    created.push(input.eligibilityKey);
    return request;
  });
  const create = async (user: UserContext, input: ActivationInput): Promise<ActivationRequest> => {
    // PIM's create refuses whatever its dry run would (a test gives `validate` the refusals), creating nothing.
    await lifecycle.validate(user, input);
    const found = eligibilities.find((e) => e.eligibility.key === input.eligibilityKey);
    if (!found) throw new Error(`fake: no eligibility ${input.eligibilityKey}`);
    const { eligibility, constraints: c } = found;
    return {
      id: `req-${activate.callCount}`,
      surface: eligibility.surface,
      status: c.requiresApproval ? 'pendingApproval' : 'provisioned',
      roleId: eligibility.roleId,
      roleName: eligibility.roleName,
      scope: eligibility.scope,
      principalId: user.userId,
      startDateTime: NOW,
      endDateTime: new Date(NOW.getTime() + input.durationMinutes * 60_000),
      createdDateTime: NOW,
      justification: input.justification ?? null,
      ticket: input.ticket ?? null,
    };
  };
  // Several at once goes through the same fake activate, one outcome per input (as PimService promises).
  const activateMany: PimService['activateMany'] = async (user, inputs) =>
    Promise.all(
      inputs.map(async (input) => {
        try {
          return { ok: true as const, input, request: await activate(user, input) };
        } catch (error) {
          return { ok: false as const, input, error: error as PimError };
        }
      }),
    );
  return {
    service: { ...lifecycle, activateMany, listEligibilities, listActive, activate },
    listEligibilities,
    listActive,
    activate,
    created,
  };
}

/** The rest of PimService (the lifecycle calls), refusing until a test gives them behaviour. */
function lifecycleStubs(): Omit<PimService, 'listEligibilities' | 'listActive' | 'activate'> {
  const refuse = () => sinon.stub().rejects(new Error('fake: not stubbed'));
  return {
    validate: sinon.stub().resolves(),
    activateMany: refuse(),
    deactivate: refuse(),
    extend: refuse(),
    listRequests: sinon.stub().resolves([]),
    // No role-narrowed listing: the check before asking reads listRequests of the surface instead.
    listRoleRequests: sinon.stub().resolves(undefined),
    recentRoleRequests: sinon.stub().returns(undefined),
    cancel: refuse(),
    getRequest: refuse(),
    waitUntilActive: sinon.stub().resolves(null),
  };
}

export function dialogDeps(pim: FakePim, now: Date = NOW): DialogDeps {
  return { pim: pim.service, tenantId: DEMO_TENANT_ID, now: () => now, logger: silentLogger, ...NULL_PORTS };
}

export interface BotHarness {
  readonly adapter: TestAdapter;
  readonly bot: PimBot;
  readonly storage: Storage;
  /** Sends one activity as `from` (Alice by default) and returns every reply of that turn. */
  send(activity: string | Partial<Activity>, from?: Partial<Activity['from']> | null): Promise<Partial<Activity>[]>;
}

/** A whole bot instance (adapter, bot, state objects); two harnesses on one storage model two instances. */
export function createBotHarness(options: { pim: FakePim; storage?: Storage; now?: Date }): BotHarness {
  const storage = options.storage ?? new MemoryStorage();
  const deps = dialogDeps(options.pim, options.now);
  const bot = new PimBot({
    conversationState: new ConversationState(storage),
    userState: new UserState(storage),
    dialog: new MainDialog(deps),
    deps,
  });
  const adapter = new TestAdapter((context) => bot.run(context), { channelId: 'msteams' });
  return {
    adapter,
    bot,
    storage,
    async send(activity, from = ALICE) {
      const base: Partial<Activity> = typeof activity === 'string' ? { type: 'message', text: activity } : { type: 'message', ...activity };
      if (from !== null) base.from = { ...(from as Activity['from']) };
      else base.from = { id: '29:anonymous', name: 'Anonymous' };
      await adapter.processActivity(base);
      return adapter.activeQueue.splice(0);
    },
  };
}

/** The first Adaptive Card of an activity, or undefined. */
export function cardOf(activity: Partial<Activity> | undefined): Record<string, unknown> | undefined {
  const attachment = activity?.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive');
  return attachment?.content as Record<string, unknown> | undefined;
}

/** Every string in a card, joined: easy to assert on without caring about layout. */
export function cardText(activity: Partial<Activity> | undefined): string {
  const card = cardOf(activity);
  if (!card) return '';
  const strings: string[] = [];
  const walk = (node: unknown): void => {
    if (typeof node === 'string') strings.push(node);
    else if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') Object.values(node).forEach(walk);
  };
  walk(card);
  return strings.join('\n');
}

/** Text of a reply plus the strings of its card. */
export function replyText(activity: Partial<Activity> | undefined): string {
  return [activity?.text ?? '', cardText(activity)].join('\n');
}

/** The Action.Submit data objects of a card, in order (including ones nested in ActionSets). */
export function submitActions(activity: Partial<Activity> | undefined): Array<{ title: string; data: Record<string, unknown> }> {
  const found: Array<{ title: string; data: Record<string, unknown> }> = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const n = node as Record<string, unknown>;
      if (n['type'] === 'Action.Submit') found.push({ title: String(n['title']), data: (n['data'] ?? {}) as Record<string, unknown> });
      Object.values(n).forEach(walk);
    }
  };
  walk(cardOf(activity));
  return found;
}

/** The value an Input.* of the card starts with, by id. */
export function inputValue(activity: Partial<Activity> | undefined, id: string): unknown {
  let value: unknown;
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const n = node as Record<string, unknown>;
      if (typeof n['type'] === 'string' && n['type'].startsWith('Input.') && n['id'] === id) value = n['value'];
      Object.values(n).forEach(walk);
    }
  };
  walk(cardOf(activity));
  return value;
}
