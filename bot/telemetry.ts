// Telemetry to Azure Monitor (Application Insights) through OpenTelemetry, only when
// APPLICATIONINSIGHTS_CONNECTION_STRING is set; otherwise nothing is started and nothing is sent
// anywhere (the OpenTelemetry API then hands out no-op meters and loggers). bot/index.ts starts it
// before it loads anything that uses http or an Azure SDK, so their calls are instrumented.
// What goes out: incoming requests and outgoing HTTP calls (Graph, ARM, Entra, Bot Connector, Blob)
// with their status, the bot's log lines (already redacted by bot/logging), and the product metrics
// below. Identities, tokens and typed text are never attributes.
import { metrics, trace, type Counter, type Histogram } from '@opentelemetry/api';
import { logs, SeverityNumber } from '@opentelemetry/api-logs';
import type { Env } from './envFile';

export const CONNECTION_STRING_SETTING = 'APPLICATIONINSIGHTS_CONNECTION_STRING';
const NAME = 'pim-bot';

export interface Telemetry {
  readonly enabled: boolean;
  /** Receives each JSON log line the bot writes (after redaction) and forwards it as a log record. */
  readonly logSink: (line: string) => void;
  /** Flushes what is buffered; call before the process exits. */
  shutdown(): Promise<void>;
}

/** Starts the exporter pipeline; replaced in tests so no exporter is ever started there. */
export type TelemetryStarter = (connectionString: string) => { shutdown(): Promise<void> };

export function startTelemetry(env: Env, start: TelemetryStarter = startAzureMonitor): Telemetry {
  const connectionString = (env[CONNECTION_STRING_SETTING] ?? '').trim();
  if (connectionString === '') return { enabled: false, logSink: () => undefined, shutdown: async () => undefined };
  const pipeline = start(connectionString);
  const logger = logs.getLogger(NAME);
  return {
    enabled: true,
    logSink: (line) => {
      const entry = parseLine(line);
      if (!entry) return;
      const { level, msg, time, ...attributes } = entry;
      logger.emit({
        severityNumber: level === 'error' ? SeverityNumber.ERROR : level === 'warn' ? SeverityNumber.WARN : SeverityNumber.INFO,
        severityText: typeof level === 'string' ? level.toUpperCase() : 'INFO',
        body: typeof msg === 'string' ? msg : '',
        ...(typeof time === 'string' ? { timestamp: new Date(time) } : {}),
        attributes: flatten(attributes),
      });
    },
    shutdown: () => pipeline.shutdown(),
  };
}

function startAzureMonitor(connectionString: string): { shutdown(): Promise<void> } {
  // Required here and only here: without the setting the exporter's module is never loaded.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const monitor = require('@azure/monitor-opentelemetry') as typeof import('@azure/monitor-opentelemetry');
  monitor.useAzureMonitor({
    azureMonitorExporterOptions: { connectionString },
    instrumentationOptions: {
      http: { enabled: true },
      azureSdk: { enabled: true },
      mongoDb: { enabled: false },
      mySql: { enabled: false },
      postgreSql: { enabled: false },
      redis: { enabled: false },
      redis4: { enabled: false },
      // Log lines arrive through logSink, redacted; the console is not a log source.
      bunyan: { enabled: false },
      winston: { enabled: false },
      console: { enabled: false },
    },
    enableLiveMetrics: false,
    // A PIM bot's volume is a few turns a minute: keep every trace rather than the distro's default
    // rate limit (5 per second, which also drops the first spans after start).
    samplingRatio: 1,
    tracesPerSecond: 0,
  });
  return {
    // shutdownAzureMonitor alone can end before the last batches are sent: flush them first.
    shutdown: async () => {
      await Promise.allSettled([flush(metrics.getMeterProvider()), flush(trace.getTracerProvider()), flush(logs.getLoggerProvider())]);
      await monitor.shutdownAzureMonitor();
    },
  };
}

async function flush(provider: unknown): Promise<void> {
  // The API hands out proxies; the SDK's providers (behind getDelegate) can flush.
  const p = provider as { forceFlush?: () => Promise<void>; getDelegate?: () => unknown };
  if (typeof p.forceFlush === 'function') return p.forceFlush();
  if (typeof p.getDelegate === 'function') return flush(p.getDelegate());
}

function parseLine(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Log attributes are scalars: nested fields become JSON text. */
function flatten(fields: Record<string, unknown>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] = value;
    else if (value !== undefined && value !== null) out[key] = JSON.stringify(value);
  }
  return out;
}

/**
 * The product's own numbers. Attributes are low-cardinality words (surface, outcome, error kind and
 * code), never a person, a role name or a request id.
 */
export interface ProductMetrics {
  /** An activation request PIM accepted (`status` as the bot reads PIM's: provisioned, pendingApproval, ...) or refused (`refused`). */
  activation(surface: string, status: string): void;
  /** A decision an approver made on a card: approved, denied, nextStage. */
  approvalDecided(surface: string, outcome: string): void;
  /** From PIM creating a request to the first approver card posted for it. */
  firstApproverCard(surface: string, milliseconds: number): void;
  /** A PIM call that failed, by the bot's error kind and PIM's own code. */
  pimError(kind: string, code: string): void;
}

export function createProductMetrics(): ProductMetrics {
  const meter = metrics.getMeter(NAME);
  const activations: Counter = meter.createCounter('pimbot.activations', {
    description: 'Activation requests made through the bot, by surface and PIM status',
  });
  const decisions: Counter = meter.createCounter('pimbot.approvals.decided', {
    description: "Approval decisions made on the bot's cards, by outcome",
  });
  const firstCard: Histogram = meter.createHistogram('pimbot.approvals.first_card_latency', {
    description: 'Time from PIM creating a request to the first approver card',
    unit: 'ms',
  });
  const errors: Counter = meter.createCounter('pimbot.pim.errors', { description: 'Failed PIM calls, by error kind and PIM code' });
  return {
    activation: (surface, status) => activations.add(1, { surface, status }),
    approvalDecided: (surface, outcome) => decisions.add(1, { surface, outcome }),
    firstApproverCard: (surface, ms) => firstCard.record(Math.max(0, ms), { surface }),
    pimError: (kind, code) => errors.add(1, { kind, code }),
  };
}
