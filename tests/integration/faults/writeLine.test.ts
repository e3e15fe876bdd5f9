// Several people's activations against the app's write quota (the emulator's Graph throttling, one
// write per 2 s): the real Graph client through GraphApi. Refused writes wait in one line for the
// tenant and go out oldest first when it reopens; someone who comes later waits behind them instead
// of knocking; each request reaches PIM once, inside its own call.
import assert from 'node:assert/strict';
import { addBenchUsers } from '../../../emulator/stack/chatUsers';
import type { ChatUser } from '../../../emulator/stack/chatDriver';
import { sleep } from '../../../emulator/stack/flows';
import { startTestTenant } from '../../../emulator/stack/tenant';
import { DEMO_ROLES } from '../../../emulator/tenant/demoTenant';
import { GraphApi } from '../../../services/pim/graph/graphApi';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;

/** One write per 2-s window per app+tenant (Microsoft's 3,000 per 150 s, scaled); units stay Microsoft's. */
const QUOTA = { tenantSize: 'medium', timeScale: 75, quotaScale: 1 / 3000, scaleResourceUnits: false } as const;
const REQUESTS = '/roleManagement/directory/roleAssignmentScheduleRequests';

describe('faults: many people against the write quota (the write line, real Graph client)', function () {
  this.timeout(60_000);
  let tenant: Tenant;
  let people: ChatUser[];

  before(async () => {
    tenant = await startTestTenant();
    people = await addBenchUsers(tenant, 4, 'line');
  });
  after(async () => {
    tenant?.throttling.disable();
    await tenant?.close();
  });

  const activation = (principalId: string) => ({
    action: 'selfActivate',
    principalId,
    roleDefinitionId: DEMO_ROLES.globalReader.id,
    directoryScopeId: '/',
    justification: 'Quarterly access review',
    scheduleInfo: { startDateTime: new Date().toISOString(), expiration: { type: 'AfterDuration', duration: 'PT1H' } },
  });

  it('holds refused writes in one line, sends them oldest first after the Retry-After, and a later one waits behind them', async () => {
    const graph = new GraphApi({ baseUrl: tenant.url, retry: { maxRetries: 0, delaySeconds: 0 } });
    const tokens = await Promise.all(people.map((p) => tenant.tokens.user({ userId: p.aadObjectId })));
    const [a, b, c, d] = people.map((p) => p.aadObjectId);
    tenant.throttling.enable(QUOTA);
    tenant.requestLog.clear();

    // a, b and c at once: a takes the window's one write; b and c are refused and wait in line.
    const first = [0, 1, 2].map((i) => graph.post(tokens[i]!, REQUESTS, activation(people[i]!.aadObjectId)));
    await sleep(500);
    // d comes later, inside the Retry-After: it waits behind b and c instead of knocking.
    const later = graph.post(tokens[3]!, REQUESTS, activation(d!));
    const answers = await Promise.allSettled([...first, later]);

    assert.deepEqual(
      answers.map((x) => x.status),
      ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled'],
      'each completes inside its own call',
    );
    for (const id of [a, b, c, d])
      assert.equal(tenant.state.assignmentRequests(id!).filter((r) => !r.isValidationOnly).length, 1, 'one request each in PIM');

    const posts = tenant.requestLog.entries().filter((e) => e.method === 'POST' && e.path.endsWith(REQUESTS));
    const created = (id: string) => posts.findIndex((p) => p.caller === id && p.status === 201);
    assert.ok(created(b!) < created(c!), 'b before c: oldest first');
    assert.ok(created(c!) < created(d!), 'c before d');
    const dFirst = posts.findIndex((p) => p.caller === d);
    assert.ok(dFirst > created(b!), 'd was first sent after b went through: it waited in line instead of knocking');
    assert.equal(tenant.throttling.stats().writes, 4, 'four writes charged: nothing sent twice past the quota');
  });
});
