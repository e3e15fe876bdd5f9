// Values that go into an OData $filter. Only ids we validated get there, never anything a user
// typed; quoting is applied anyway so a validation slip cannot change the filter's meaning.

import { PimError } from '../errors';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

export function assertGuid(value: string, what: string): string {
  if (!isGuid(value)) throw new PimError('invalidInput', `${what} is not a GUID`);
  return value;
}

/** An OData string literal: single quotes doubled, then wrapped in quotes. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
