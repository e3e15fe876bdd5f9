// Words and times as people read them. Times go into cards as {{DATE()}}/{{TIME()}} so each
// client shows them in its own time zone; plain text says UTC explicitly.
import type { Constraints, Scope, Surface } from '../services/pim/model';

export function formatDuration(minutes: number): string {
  const whole = Math.max(0, Math.round(minutes));
  const hours = Math.floor(whole / 60);
  const rest = whole % 60;
  const parts: string[] = [];
  if (hours > 0) parts.push(`${hours} ${hours === 1 ? 'hour' : 'hours'}`);
  if (rest > 0 || hours === 0) parts.push(`${rest} ${rest === 1 ? 'minute' : 'minutes'}`);
  return parts.join(' ');
}

/** The form a person would type; round-trips through dialogs/parsing/duration. */
export function compactDuration(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `${hours > 0 ? `${hours}h` : ''}${rest > 0 || hours === 0 ? `${rest}m` : ''}`;
}

/** Adaptive Cards' DATE/TIME functions only accept RFC 3339 without fractional seconds. */
function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function cardTime(date: Date): string {
  return `{{TIME(${rfc3339(date)})}}`;
}

export function cardDate(date: Date): string {
  return `{{DATE(${rfc3339(date)}, SHORT)}}`;
}

export function cardDateTime(date: Date): string {
  return `${cardDate(date)} ${cardTime(date)}`;
}

export function utcTime(date: Date): string {
  return `${date.toISOString().slice(11, 16)} UTC`;
}

export function timeLeft(end: Date, now: Date): string {
  const minutes = Math.floor((end.getTime() - now.getTime()) / 60_000);
  return minutes < 1 ? 'ending now' : `${formatDuration(minutes)} left`;
}

export function limitsText(constraints: Constraints): string {
  const parts = [`up to ${formatDuration(constraints.maxDurationMinutes)}`];
  if (constraints.requiresJustification) parts.push('justification');
  if (constraints.requiresTicket) parts.push('ticket number');
  if (constraints.requiresApproval) {
    const names = constraints.approvers.map((a) => a.displayName).filter((n): n is string => !!n);
    parts.push(names.length > 0 ? `approval by ${names.join(', ')}` : 'approval');
  }
  if (constraints.authenticationContext || constraints.requiresMfa) parts.push('extra sign-in check');
  const [first, ...rest] = parts;
  return [capitalize(first!), ...rest].join(' · ');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "2026-12-03 09:00 UTC": a moment that must be unambiguous whatever the reader's zone. */
export function utcDateTime(date: Date): string {
  return `${date.toISOString().slice(0, 10)} ${utcTime(date)}`;
}

/** The reader's local date and time (the card's own functions), with UTC beside it so the zone is never in doubt. */
export function zonedDateTime(date: Date): string {
  return `${cardDateTime(date)} your time (${utcDateTime(date)})`;
}

/** A start more than this after the request was made was asked for, rather than "now". */
const SCHEDULED_AFTER_MS = 60_000;

/** True when `start` is a scheduled start, not the moment the request was made (`madeAt`). */
export function startsLater(start: Date, madeAt: Date): boolean {
  return start.getTime() > madeAt.getTime() + SCHEDULED_AFTER_MS;
}

/** One name per thing: a group membership reads "Member of SRE On-Call" / "Owner of SRE On-Call", never "Member". */
export function accessName(target: {
  readonly surface: Surface;
  readonly roleId?: string;
  readonly roleName: string;
  readonly scope: Pick<Scope, 'displayName'>;
}): string {
  if (target.surface !== 'group') return target.roleName;
  const owner = (target.roleId ?? target.roleName).toLowerCase() === 'owner';
  return `${owner ? 'Owner' : 'Member'} of ${target.scope.displayName}`;
}
