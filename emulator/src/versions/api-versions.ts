// Stripe API versions: which a request or an endpoint may name, and rendering objects in an older one.
import { StripeError } from '../core/errors.js';
import { basilStep } from './basil-step.js';
import { cloverStep } from './clover-step.js';
import type { ObjectLookup, VersionStep } from './version-step.js';

/** The version objects are stored and rendered in (the pinned `stripe` SDK's). */
export const CURRENT_API_VERSION = '2026-10-28.endive';

/** Newest first. */
const STEPS: VersionStep[] = [cloverStep, basilStep];

/**
 * Stripe's version names: a date, then (since 2024-09-30) a release name: `2024-06-20`, `2025-03-31.basil`.
 * Versions from before the steps the emulator knows render like the oldest step's previous version.
 */
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Stripe's 400 for a version it does not know (malformed, not a calendar date, or newer than the emulator's). */
export function assertKnownApiVersion(version: string, param?: string): void {
  const [date = '', name, extra] = version.split('.');
  const match = DATE_PATTERN.exec(date);
  const valid =
    match !== null &&
    extra === undefined &&
    (name === undefined || /^[a-z]+$/.test(name)) &&
    isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3])) &&
    version.slice(0, 10) <= CURRENT_API_VERSION.slice(0, 10) &&
    (version.slice(0, 10) !== CURRENT_API_VERSION.slice(0, 10) || version === CURRENT_API_VERSION);
  if (!valid) {
    throw new StripeError(400, 'invalid_request_error', `Invalid Stripe API version: ${version}`, {
      ...(param ? { param } : {}),
    });
  }
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * A response body or event payload as `version` shows it: every Stripe object inside (lists, expanded fields,
 * an event's `data.object`) passes through the steps newer than `version`. The input is never changed.
 */
export function renderForVersion<T>(payload: T, version: string, lookup: ObjectLookup = () => undefined): T {
  const steps = STEPS.filter((step) => step.version.slice(0, 10) > version.slice(0, 10));
  if (steps.length === 0) return payload;
  return transform(structuredClone(payload), steps, lookup) as T;
}

function transform(value: unknown, steps: VersionStep[], lookup: ObjectLookup): unknown {
  if (Array.isArray(value)) return value.map((entry) => transform(entry, steps, lookup));
  if (typeof value !== 'object' || value === null) return value;
  let object = value as Record<string, unknown>;
  for (const [key, entry] of Object.entries(object)) object[key] = transform(entry, steps, lookup);
  for (const step of steps) object = step.downgrade(object, lookup);
  return object;
}
