// Product metrics taken at the composition root, around the services, so neither the dialogs nor the
// services know about telemetry: activations and PIM errors from the PimService, decisions from the
// approval decisions. (The first approver card is timed where cards are posted, bot/approvals.)
import type { ApprovalDecisions } from '../services/approvals/decisions';
import { isPimError } from '../services/pim/errors';
import type { ActivationInput, ActivationRequest } from '../services/pim/model';
import type { PimService } from '../services/pim/service';
import { surfaceOfKey } from '../services/pim/surfaces';
import type { ProductMetrics } from './telemetry';

function surfaceOf(input: ActivationInput): string {
  return surfaceOfKey(input.eligibilityKey) ?? 'unknown';
}

function countError(metrics: ProductMetrics, error: unknown): void {
  if (isPimError(error)) metrics.pimError(error.kind, error.details.upstreamCode ?? 'none');
}

/** `pim` with every call's PIM error counted, and every activation's result. */
export function meterPim(pim: PimService, metrics: ProductMetrics): PimService {
  const metered = new Proxy(pim, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (!(result instanceof Promise)) return result;
        return result.then(
          (resolved: unknown) => {
            if (property === 'activate') {
              const request = resolved as ActivationRequest;
              metrics.activation(request.surface, request.status);
            }
            if (property === 'activateMany') {
              for (const outcome of resolved as Awaited<ReturnType<PimService['activateMany']>>) {
                if (outcome.ok) metrics.activation(outcome.request.surface, outcome.request.status);
                else {
                  metrics.activation(surfaceOf(outcome.input), 'refused');
                  countError(metrics, outcome.error);
                }
              }
            }
            return resolved;
          },
          (error: unknown) => {
            if (property === 'activate') metrics.activation(surfaceOf(args[1] as ActivationInput), 'refused');
            countError(metrics, error);
            throw error;
          },
        );
      };
    },
  });
  return metered;
}

/** `decisions` with each decision an approver made counted by outcome. */
export function meterDecisions(decisions: ApprovalDecisions, metrics: ProductMetrics): ApprovalDecisions {
  const decide = decisions.decide.bind(decisions);
  // Every argument passes through as given: a wrapper that names them drops the ones added later.
  decisions.decide = async (...args: Parameters<ApprovalDecisions['decide']>) => {
    try {
      const result = await decide(...args);
      const surface = args[1];
      if (result.kind === 'decided') metrics.approvalDecided(surface, result.outcome);
      return result;
    } catch (error) {
      countError(metrics, error);
      throw error;
    }
  };
  return decisions;
}
