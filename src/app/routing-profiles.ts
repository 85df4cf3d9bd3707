/**
 * Routing profiles: a default one and optionally one per sales channel. Every change is kept in
 * a history (who, when, before/after); a profile with a mutually exclusive pair is refused
 * (HTTP 422 naming every pair) and the stored profile stays as it was.
 */
import { z } from 'zod';
import {
  findRoutingProfile,
  insertProfileHistory,
  listProfileHistory,
  listRoutingProfiles,
  lockRoutingProfile,
  profileIdOfChannel,
  upsertRoutingProfile,
  type RoutingProfileHistoryRow,
  type RoutingProfileRow,
} from '../db/routing-profiles.repo';
import { validateSettings, withDefaults } from '../domain/routing/settings';
import { partialSettingsSchema, routingSettingsSchema } from '../domain/routing/settings-schema';
import type { RoutingSettings } from '../domain/routing/types';
import type { Db, Tx } from '../db/client';
import { formatIssues } from './order-input';
import { conflict, invalid, invalidField, notFound, type Failure } from '../domain/result';

/**
 * The settings a profile may hold: every key optional (missing keys take the contract defaults),
 * unknown keys refused, and a carrier, when given, not empty.
 */
export const settingsInputSchema = partialSettingsSchema.extend({
  preassignedCarrierSplitsOrder: routingSettingsSchema.shape.preassignedCarrierSplitsOrder.unwrap()
    .extend({ carrier: z.string().min(1).nullable().default(null) })
    .optional(),
}).strict();

export type SettingsInput = z.infer<typeof settingsInputSchema>;

/** Settings that passed `checkSettings`: the full profile, what is stored (as given) and its warnings. */
export interface CheckedSettings { kind: 'ok'; settings: RoutingSettings; stored: SettingsInput; warnings: string[] }

/** Parses and validates settings; `invalid` for mistyped/unknown keys, `unprocessable` for conflicts. */
export function checkSettings(raw: unknown): CheckedSettings | Failure {
  const r = settingsInputSchema.safeParse(raw ?? {});
  if (!r.success) {
    return invalid(formatIssues(r.error).map((e) => ({ ...e, field: e.field === '(body)' ? 'settings' : `settings.${e.field}` })));
  }
  const v = validateSettings(r.data);
  if (!v.ok) return { kind: 'unprocessable', message: v.message, details: { conflicts: v.conflicts, problems: v.problems } };
  return { kind: 'ok', settings: v.settings, stored: r.data, warnings: v.warnings };
}

/** A stored profile with the defaults filled into its settings. */
export type ProfileView = { id: string; name: string; salesChannel: string | null; settings: RoutingSettings; updatedAt: Date; updatedBy: string };

function view(p: RoutingProfileRow): ProfileView {
  return { ...p, settings: withDefaults(p.settings as Partial<RoutingSettings>) };
}

export async function listProfiles(db: Db): Promise<ProfileView[]> {
  return (await listRoutingProfiles(db)).map(view);
}

export async function getProfile(db: Db, id: string): Promise<ProfileView | undefined> {
  const p = await findRoutingProfile(db, id);
  return p && view(p);
}

/** The profile an order of `salesChannel` is routed with: its channel's, else the default. */
export async function profilesByChannel(db: Db): Promise<{ byChannel: Map<string, ProfileView>; fallback: ProfileView }> {
  const all = await listProfiles(db);
  const byChannel = new Map(all.filter((p) => p.salesChannel).map((p) => [p.salesChannel!, p]));
  const fallback = all.find((p) => p.id === 'default') ?? all.find((p) => !p.salesChannel);
  if (!fallback) throw new Error('no default routing profile (reference data missing)');
  return { byChannel, fallback };
}

const idRe = /^[A-Za-z0-9_-]{1,64}$/;

/** The body of `saveProfile`: name and sales channel keep their stored values when left out. */
export interface ProfileBody { name?: string; salesChannel?: string | null; settings?: unknown; comment?: string }

/**
 * Creates or replaces a profile's settings (and name / sales channel). The whole settings object
 * is replaced; keys left out take the defaults. The change and its history entry are written in
 * the caller's transaction, so they commit together.
 */
export async function saveProfile(
  tx: Tx, id: string, body: ProfileBody, actor: string,
): Promise<{ kind: 'ok'; profile: ProfileView; warnings: string[] } | Failure> {
  if (!idRe.test(id)) return invalidField('id', 'letters, digits, _ and - only (1–64)');
  const checked = checkSettings(body.settings);
  if (checked.kind !== 'ok') return checked;
  if (id === 'default' && body.salesChannel) return invalidField('salesChannel', 'the default profile has no sales channel');
  const before = await lockRoutingProfile(tx, id);
  const salesChannel = body.salesChannel === undefined ? before?.salesChannel ?? null : body.salesChannel;
  if (id !== 'default' && !salesChannel) return invalidField('salesChannel', 'is required for a profile other than default');
  if (salesChannel) {
    const other = await profileIdOfChannel(tx, salesChannel);
    if (other !== undefined && other !== id) return conflict(`sales channel ${salesChannel} already has profile ${other}`);
  }
  const row: RoutingProfileRow = {
    id,
    name: body.name ?? before?.name ?? id,
    salesChannel,
    settings: checked.stored,
    updatedAt: new Date(),
    updatedBy: actor,
  };
  await upsertRoutingProfile(tx, row);
  await insertProfileHistory(tx, {
    profileId: id,
    actor,
    before: before ? { name: before.name, salesChannel: before.salesChannel, settings: before.settings } : null,
    after: { name: row.name, salesChannel, settings: row.settings, ...(body.comment?.trim() ? { comment: body.comment.trim() } : {}) },
  });
  return { kind: 'ok' as const, profile: view(row), warnings: checked.warnings };
}

/** A profile's changes, newest first; `not_found` for an unknown profile. */
export async function profileHistory(db: Db, id: string): Promise<{ kind: 'ok'; history: RoutingProfileHistoryRow[] } | Failure> {
  if (!(await getProfile(db, id))) return notFound('routing profile', id);
  return { kind: 'ok' as const, history: await listProfileHistory(db, id) };
}

/**
 * Splits a queue, in its order, into runs of consecutive items routed with the same profile (their
 * sales channel's, else the default), so each run is one engine call and order is kept.
 */
export function* profileSegments<T>(
  items: readonly T[], channelOf: (t: T) => string, profiles: { byChannel: Map<string, ProfileView>; fallback: ProfileView },
): Generator<{ profile: ProfileView; items: T[] }> {
  const profileOf = (t: T) => profiles.byChannel.get(channelOf(t)) ?? profiles.fallback;
  let i = 0;
  while (i < items.length) {
    const profile = profileOf(items[i]);
    let j = i + 1;
    while (j < items.length && profileOf(items[j]) === profile) j++;
    yield { profile, items: items.slice(i, j) };
    i = j;
  }
}
