// Graph's identity-and-access quotas in the emulator: what a request costs, sliding windows,
// Retry-After, writes vs reads, per app+tenant isolation, the tenant-wide write quota, off by default.
import assert from 'node:assert/strict';
import { requestCost } from '../../../../../emulator/tenant/throttling/cost';
import { GraphThrottling } from '../../../../../emulator/tenant/throttling/quotas';
import { retryAfterHeader } from '../../../../../emulator/tenant/throttling/response';
import { SlidingWindow } from '../../../../../emulator/tenant/throttling/slidingWindow';

const APP = { appId: 'app-1', tenantId: 'tenant-1' };
const PIM_REQUESTS = '/v1.0/roleManagement/directory/roleAssignmentScheduleRequests';

function fakeClock(start = 1_000_000): { now: () => number; advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('emulator: Graph throttling (identity and access service limits)', () => {
  describe('request cost', () => {
    it('charges 1 unit by default, 1 write for POST/PATCH/PUT/DELETE and none for GET', () => {
      assert.deepEqual(requestCost('GET', PIM_REQUESTS, ''), { resourceUnits: 1, writes: 0 });
      assert.deepEqual(requestCost('POST', PIM_REQUESTS, ''), { resourceUnits: 1, writes: 1 });
      assert.deepEqual(requestCost('PATCH', '/beta/roleManagement/directory/roleAssignmentApprovals/x/steps/y', ''), {
        resourceUnits: 1,
        writes: 1,
      });
      assert.deepEqual(requestCost('DELETE', '/v1.0/groups/g', ''), { resourceUnits: 1, writes: 1 });
    });

    it("uses Microsoft's table for listed paths, me/ rows also for users/{id}/, read-only POST actions write nothing", () => {
      assert.deepEqual(requestCost('GET', '/v1.0/users', ''), { resourceUnits: 2, writes: 0 });
      assert.deepEqual(requestCost('GET', '/v1.0/groups/abc/members', ''), { resourceUnits: 3, writes: 0 });
      assert.deepEqual(requestCost('GET', '/v1.0/groups/abc/transitiveMembers', ''), { resourceUnits: 5, writes: 0 });
      assert.deepEqual(requestCost('GET', '/v1.0/users/abc/transitiveMemberOf', ''), { resourceUnits: 2, writes: 0 });
      assert.deepEqual(requestCost('POST', '/v1.0/me/checkMemberGroups', ''), { resourceUnits: 4, writes: 0 });
      assert.deepEqual(requestCost('POST', '/v1.0/directoryObjects/getByIds', ''), { resourceUnits: 3, writes: 0 });
      // A user by id is not the users list.
      assert.deepEqual(requestCost('GET', '/v1.0/users/abc', ''), { resourceUnits: 1, writes: 0 });
    });

    it('moves the cost with $select (-1), $expand (+1) and $top under 20 (-1), never below 1', () => {
      assert.equal(requestCost('GET', '/v1.0/groups/abc/members', '$select=id').resourceUnits, 2);
      assert.equal(requestCost('GET', '/v1.0/groups/abc/members', '$select=id&$top=5').resourceUnits, 1);
      assert.equal(requestCost('GET', '/v1.0/groups/abc/members', '$top=999').resourceUnits, 3);
      assert.equal(requestCost('GET', PIM_REQUESTS, '$expand=roleDefinition').resourceUnits, 2);
      assert.equal(requestCost('GET', PIM_REQUESTS, '$select=id&$top=1').resourceUnits, 1);
    });
  });

  describe('sliding window', () => {
    it('lets a charge through once the old ones have slid out, and says when', () => {
      const w = new SlidingWindow(3, 10_000);
      w.charge(0, 1);
      w.charge(4_000, 2);
      assert.equal(w.waitMs(5_000, 1), 5_000, 'the first unit leaves at 10 s');
      assert.equal(w.waitMs(5_000, 2), 9_000, 'two units need the second charge gone too (at 14 s)');
      assert.equal(w.waitMs(10_000, 1), 0);
      assert.equal(w.used(10_000), 2);
      assert.equal(w.used(14_000), 0);
    });
  });

  describe('quotas', () => {
    it('is off by default: nothing is refused', () => {
      const t = new GraphThrottling(fakeClock().now);
      assert.equal(t.enabled, false);
      for (let i = 0; i < 4_000; i++) assert.equal(t.admit(APP, 'POST', PIM_REQUESTS, '').allowed, true);
    });

    it('refuses the write over 3,000 per 150 s per app+tenant with the time until the oldest write slides out, and lets reads through', () => {
      const clock = fakeClock();
      const t = new GraphThrottling(clock.now);
      t.enable({ tenantSize: 'large' });
      for (let i = 0; i < 3_000; i++) {
        assert.equal(t.admit(APP, 'POST', PIM_REQUESTS, '').allowed, true);
        if (i % 1_000 === 999) clock.advance(10_001); // stay under the unit quota; writes stay in their 150 s window
      }
      const refused = t.admit(APP, 'POST', PIM_REQUESTS, '');
      assert.equal(refused.allowed, false);
      if (refused.allowed) return;
      assert.equal(refused.reason, 'WriteLimitExceeded');
      assert.equal(refused.retryAfterMs, 150_000 - 3 * 10_001, 'the first write (at t0) leaves the window at t0 + 150 s');
      assert.equal(refused.scope, 'Tenant_Application/Write/app-1/tenant-1');
      assert.equal(t.admit(APP, 'GET', PIM_REQUESTS, '').allowed, true, 'reads are not writes');
      clock.advance(refused.retryAfterMs);
      clock.advance(-1);
      assert.equal(t.admit(APP, 'POST', PIM_REQUESTS, '').allowed, false, 'not a millisecond early');
      clock.advance(1);
      assert.equal(t.admit(APP, 'POST', PIM_REQUESTS, '').allowed, true, 'the window slid: room again');
      const s = t.stats();
      assert.equal(s.writes, 3_001);
      assert.equal(s.throttledByReason.WriteLimitExceeded, 2);
    });

    it('refuses units over the tenant-size quota per 10 s, per app+tenant pair, not for other apps or tenants', () => {
      const clock = fakeClock();
      const t = new GraphThrottling(clock.now);
      t.enable({ tenantSize: 'small' });
      for (let i = 0; i < 3_500; i++) assert.equal(t.admit(APP, 'GET', PIM_REQUESTS, '').allowed, true);
      const refused = t.admit(APP, 'GET', PIM_REQUESTS, '');
      assert.equal(refused.allowed, false);
      assert.equal(!refused.allowed && refused.reason, 'ResourceUnitLimitExceeded');
      assert.equal(!refused.allowed && refused.retryAfterMs, 10_000);
      assert.equal(
        t.admit({ appId: 'app-2', tenantId: 'tenant-1' }, 'GET', PIM_REQUESTS, '').allowed,
        true,
        'another app in the same tenant',
      );
      assert.equal(
        t.admit({ appId: 'app-1', tenantId: 'tenant-2' }, 'GET', PIM_REQUESTS, '').allowed,
        true,
        'the same app in another tenant',
      );
      clock.advance(10_000);
      assert.equal(t.admit(APP, 'GET', PIM_REQUESTS, '').allowed, true);
    });

    it('counts a medium tenant as 5,000 units and a listed path at its cost', () => {
      const t = new GraphThrottling(fakeClock().now);
      t.enable({ tenantSize: 'medium' });
      for (let i = 0; i < 1_666; i++) assert.equal(t.admit(APP, 'GET', '/v1.0/groups/g/members', '').allowed, true);
      assert.equal(t.admit(APP, 'GET', '/v1.0/groups/g/members', '').allowed, false, '1,667 x 3 units > 5,000');
      assert.equal(t.admit(APP, 'GET', PIM_REQUESTS, '').allowed, true, 'one unit still fits (4,998 used)');
    });

    it('caps writes per tenant for all apps at 18,000 per 5 minutes', () => {
      const clock = fakeClock();
      const t = new GraphThrottling(clock.now);
      t.enable({ tenantSize: 'large' });
      for (let app = 0; app < 6; app++) {
        for (let i = 0; i < 3_000; i++)
          assert.equal(t.admit({ appId: `app-${app}`, tenantId: 'tenant-1' }, 'POST', PIM_REQUESTS, '').allowed, true);
        clock.advance(10_001);
      }
      const refused = t.admit({ appId: 'app-7', tenantId: 'tenant-1' }, 'POST', PIM_REQUESTS, '');
      assert.equal(refused.allowed, false, 'a seventh app finds the tenant full');
      assert.equal(!refused.allowed && refused.scope, 'Tenant/Write/app-7/tenant-1');
      assert.equal(t.admit({ appId: 'app-7', tenantId: 'tenant-2' }, 'POST', PIM_REQUESTS, '').allowed, true);
    });

    it('scales windows by timeScale and limits by quotaScale', () => {
      const clock = fakeClock();
      const t = new GraphThrottling(clock.now);
      t.enable({ timeScale: 10, quotaScale: 0.01 });
      for (let i = 0; i < 30; i++) assert.equal(t.admit(APP, 'POST', PIM_REQUESTS, '').allowed, true);
      const refused = t.admit(APP, 'POST', PIM_REQUESTS, '');
      assert.equal(!refused.allowed && refused.retryAfterMs, 15_000, '30 writes per 15 s');
    });

    it('can leave the resource-unit quota at its real size while the write quotas are scaled', () => {
      const t = new GraphThrottling(fakeClock().now);
      t.enable({ tenantSize: 'medium', timeScale: 10, quotaScale: 0.01, scaleResourceUnits: false });
      for (let i = 0; i < 5_000; i++) assert.equal(t.admit(APP, 'GET', PIM_REQUESTS, '').allowed, true);
      assert.equal(t.admit(APP, 'GET', PIM_REQUESTS, '').allowed, false, '5,000 units per 10 s, unscaled');
    });

    it('refuses bad settings with a clear message', () => {
      const t = new GraphThrottling(fakeClock().now);
      assert.throws(() => t.enable({ timeScale: 0 }), /timeScale must be a positive number/);
      assert.throws(() => t.enable({ tenantSize: 'huge' as never }), /tenantSize must be small, medium or large/);
      assert.equal(t.enabled, false);
    });
  });

  it('sends Retry-After in seconds with a fraction, never 0', () => {
    assert.equal(retryAfterHeader(2_128), '2.128');
    assert.equal(retryAfterHeader(0.2), '0.001');
  });
});
