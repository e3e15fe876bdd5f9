import assert from 'node:assert/strict';
import { ApprovalDecisions } from '../../../services/approvals/decisions';
import { PimError } from '../../../services/pim/errors';
import type { ActivationInput, ActivationRequest, UserContext } from '../../../services/pim/model';
import type { PimService } from '../../../services/pim/service';
import { meterDecisions, meterPim } from '../../../bot/meteredServices';
import { startTelemetry, type ProductMetrics } from '../../../bot/telemetry';

const EXPORTER_MODULE = /[\\/]@azure[\\/]monitor-opentelemetry[\\/]/;

function recordingMetrics(): ProductMetrics & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    activation: (surface, status) => void calls.push(`activation ${surface} ${status}`),
    approvalDecided: (surface, outcome) => void calls.push(`decided ${surface} ${outcome}`),
    firstApproverCard: (surface, ms) => void calls.push(`firstCard ${surface} ${ms}`),
    pimError: (kind, code) => void calls.push(`error ${kind} ${code}`),
  };
}

describe('bot/telemetry', () => {
  it('without APPLICATIONINSIGHTS_CONNECTION_STRING nothing is started and the exporter module is never loaded', async () => {
    let started = 0;
    for (const env of [{}, { APPLICATIONINSIGHTS_CONNECTION_STRING: '' }, { APPLICATIONINSIGHTS_CONNECTION_STRING: '   ' }]) {
      const telemetry = startTelemetry(env, () => {
        started++;
        return { shutdown: async () => undefined };
      });
      assert.equal(telemetry.enabled, false);
      telemetry.logSink('{"time":"2026-01-01T00:00:00.000Z","level":"info","msg":"hello"}');
      await telemetry.shutdown();
    }
    assert.equal(started, 0, 'no exporter pipeline');
    // The default starter too: it is the only place that requires the exporter.
    startTelemetry({});
    assert.deepEqual(
      Object.keys(require.cache).filter((m) => EXPORTER_MODULE.test(m)),
      [],
      '@azure/monitor-opentelemetry is not loaded',
    );
  });

  it('with the connection string the pipeline starts once, with that string, and shuts down', async () => {
    const seen: string[] = [];
    let shutdowns = 0;
    const telemetry = startTelemetry(
      {
        APPLICATIONINSIGHTS_CONNECTION_STRING:
          'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://example.invalid/',
      },
      (cs) => {
        seen.push(cs);
        return { shutdown: async () => void shutdowns++ };
      },
    );
    assert.equal(telemetry.enabled, true);
    assert.deepEqual(seen, ['InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://example.invalid/']);
    // Malformed lines are dropped, not thrown: logging must never fail a turn.
    telemetry.logSink('not json');
    telemetry.logSink('[1,2]');
    await telemetry.shutdown();
    assert.equal(shutdowns, 1);
  });
});

describe('bot/meteredServices', () => {
  const user: UserContext = { userId: 'u1', tenantId: 't1' } as UserContext;
  const request = (surface: ActivationRequest['surface'], status: ActivationRequest['status']): ActivationRequest =>
    ({ id: 'r1', surface, status }) as ActivationRequest;
  const input = (key: string): ActivationInput => ({ eligibilityKey: key, durationMinutes: 60 });

  it('counts activations by surface and PIM status, refusals, and PIM errors by kind and code; results and errors pass through', async () => {
    const metrics = recordingMetrics();
    const refusal = new PimError('policyViolation', 'justification required', {
      upstreamCode: 'RoleAssignmentRequestPolicyValidationFailed',
    });
    let calls = 0;
    const fake = {
      activate: async (_u: UserContext, i: ActivationInput) => {
        calls++;
        if (i.eligibilityKey.startsWith('group|')) throw refusal;
        return request('entraRole', 'pendingApproval');
      },
      activateMany: async () => [
        { ok: true, input: input('azureResource|/subscriptions/s|r'), request: request('azureResource', 'provisioned') },
        { ok: false, input: input('group|g|member'), error: new PimError('throttled', 'slow down') },
      ],
      listActive: async () => {
        throw new PimError('unavailable', 'down', { httpStatus: 503 });
      },
    } as unknown as PimService;
    const pim = meterPim(fake, metrics);

    assert.equal((await pim.activate(user, input('entraRole|/|role'))).status, 'pendingApproval');
    await assert.rejects(pim.activate(user, input('group|g|member')), (e) => e === refusal);
    assert.equal((await pim.activateMany(user, [])).length, 2);
    await assert.rejects(pim.listActive(user), PimError);
    assert.equal(calls, 2);
    assert.deepEqual(metrics.calls, [
      'activation entraRole pendingApproval',
      'activation group refused',
      'error policyViolation RoleAssignmentRequestPolicyValidationFailed',
      'activation azureResource provisioned',
      'activation group refused',
      'error throttled none',
      'error unavailable none',
    ]);
    assert.ok(!metrics.calls.some((c) => c.includes('u1') || c.includes('r1')), 'no person or request id');
  });

  it('counts decisions made on cards by outcome', async () => {
    const metrics = recordingMetrics();
    const decisions = new ApprovalDecisions([]);
    decisions.decide = async () => ({ kind: 'decided', outcome: 'approved', by: { id: 'b' }, at: new Date() });
    const metered = meterDecisions(decisions, metrics);
    await metered.decide(user, 'entraRole', 'r1', 'u2', 'approve', '');
    decisions.decide = async () => ({ kind: 'selfApproval' });
    await meterDecisions(decisions, metrics).decide(user, 'entraRole', 'r1', 'u1', 'approve', '');
    assert.deepEqual(metrics.calls, ['decided entraRole approved']);
  });
});
