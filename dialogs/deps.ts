// What the dialogs need from the outside, handed in by the composition root (bot/server.ts).
import type { PimService } from '../services/pim/service';

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface DialogDeps {
  readonly pim: PimService;
  /** The single tenant this bot serves; the acting user's tenant for every PIM call. */
  readonly tenantId: string;
  readonly now: () => Date;
  readonly logger: Logger;
}

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
