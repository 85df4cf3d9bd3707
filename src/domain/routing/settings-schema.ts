/**
 * The zod schemas of a routing profile, built from its contract defaults (`settings.ts`): the full
 * profile with defaults, and the partial one of the scenario file's `settings` and of the API's
 * profile body.
 */
import { z } from 'zod';
import { BOOLEAN_SETTING_KEYS, DEFAULT_SETTINGS, type BooleanSettingKey, type RoutingSettings } from './settings';

const carrierSplit = z.object({ enabled: z.boolean(), carrier: z.string().nullable().default(null) });
const flags = Object.fromEntries(BOOLEAN_SETTING_KEYS.map((k) => [k, z.boolean().default(DEFAULT_SETTINGS[k])])) as {
  [K in BooleanSettingKey]: z.ZodDefault<z.ZodBoolean>;
};

/** A routing profile, every setting defaulted as the contract says. */
export const routingSettingsSchema = z.object({
  preassignedCarrierSplitsOrder: carrierSplit.default({ ...DEFAULT_SETTINGS.preassignedCarrierSplitsOrder }),
  ...flags,
});

type SettingsShape = typeof routingSettingsSchema.shape;

/**
 * Every setting optional and without its default, carrying no messages of its own: missing keys
 * stay missing (`withDefaults` fills them in later). Unknown keys are dropped; the profile body
 * of the API refuses them (`.strict()`), and the scenario file words the messages its own way.
 */
export const partialSettingsSchema = z.object(
  Object.fromEntries(Object.entries(routingSettingsSchema.shape).map(([key, s]) => [key, s.unwrap().optional()])) as {
    [K in keyof SettingsShape]: z.ZodOptional<ReturnType<SettingsShape[K]['unwrap']>>;
  },
);

