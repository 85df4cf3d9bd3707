import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { DEFAULT_SETTINGS, validateSettings, type RoutingSettings } from '../../../src/domain/routing/index';
import { partialSettingsSchema, routingSettingsSchema } from '../../../src/domain/routing/settings-schema';

describe('validateSettings', () => {
  it('fills the contract defaults', () => {
    const v = validateSettings(undefined);
    expect(v).toEqual({
      ok: true,
      warnings: [],
      settings: {
        preassignedCarrierSplitsOrder: { enabled: false, carrier: null },
        assignWarehouseByZipCode: false,
        stayWithinDestinationMarket: false,
        autoCreateProduct: true,
        allowSplitFulfillment: false,
        noSplitOrder: false,
        sampleProductsCannotBeSplit: false,
        oneItemPerOrder: false,
        shipFromClosestLocation: false,
        assignWarehouseByAccountingCode: false,
        assignWarehouseByProduct: false,
        setOrderStatusToException: true,
        routeToHighestPriorityWarehouse: false,
      },
    });
    expect(validateSettings({})).toEqual(v);
    expect(DEFAULT_SETTINGS.autoCreateProduct).toBe(true);
  });

  it('keeps given values and ignores undefined ones', () => {
    const v = validateSettings({ allowSplitFulfillment: true, setOrderStatusToException: undefined });
    expect(v.ok && v.settings.allowSplitFulfillment).toBe(true);
    expect(v.ok && v.settings.setOrderStatusToException).toBe(true);
  });

  it.each([
    [{ oneItemPerOrder: true, sampleProductsCannotBeSplit: true }, 'oneItemPerOrder with sampleProductsCannotBeSplit'],
    [{ allowSplitFulfillment: true, noSplitOrder: true }, 'allowSplitFulfillment with noSplitOrder'],
    [{ allowSplitFulfillment: true, sampleProductsCannotBeSplit: true }, 'allowSplitFulfillment with sampleProductsCannotBeSplit'],
  ])('refuses the pair %j', (partial, pair) => {
    const v = validateSettings(partial);
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.conflicts).toHaveLength(1);
    expect(v.message).toContain(pair);
  });

  it('names every conflicting pair at once', () => {
    const v = validateSettings({ allowSplitFulfillment: true, noSplitOrder: true, sampleProductsCannotBeSplit: true, oneItemPerOrder: true });
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.conflicts).toEqual([
      { a: 'oneItemPerOrder', b: 'sampleProductsCannotBeSplit' },
      { a: 'allowSplitFulfillment', b: 'noSplitOrder' },
      { a: 'allowSplitFulfillment', b: 'sampleProductsCannotBeSplit' },
    ]);
    expect(v.message).toBe(
      'conflicting settings: oneItemPerOrder with sampleProductsCannotBeSplit; allowSplitFulfillment with noSplitOrder; allowSplitFulfillment with sampleProductsCannotBeSplit (mutually exclusive)',
    );
  });

  it('allows the non-conflicting neighbours', () => {
    expect(validateSettings({ noSplitOrder: true, sampleProductsCannotBeSplit: true }).ok).toBe(true);
    expect(validateSettings({ oneItemPerOrder: true, allowSplitFulfillment: true }).ok).toBe(true);
    expect(validateSettings({ oneItemPerOrder: true, noSplitOrder: true }).ok).toBe(true);
  });

  it.each([null, '', '  '])('refuses a carrier split without a carrier (%j)', (carrier) => {
    const v = validateSettings({ preassignedCarrierSplitsOrder: { enabled: true, carrier } });
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.conflicts).toEqual([]);
    expect(v.problems).toEqual(['preassignedCarrierSplitsOrder is enabled but has no carrier']);
  });

  it('accepts a disabled carrier split without a carrier, and reports carrier and pair problems together', () => {
    expect(validateSettings({ preassignedCarrierSplitsOrder: { enabled: false, carrier: null } }).ok).toBe(true);
    const v = validateSettings({ preassignedCarrierSplitsOrder: { enabled: true, carrier: null }, allowSplitFulfillment: true, noSplitOrder: true });
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.message).toBe('conflicting settings: allowSplitFulfillment with noSplitOrder (mutually exclusive); preassignedCarrierSplitsOrder is enabled but has no carrier');
  });

  it('warns about every rule assignWarehouseByProduct overrides (not an error)', () => {
    const v = validateSettings({
      assignWarehouseByProduct: true,
      assignWarehouseByZipCode: true,
      stayWithinDestinationMarket: true,
      shipFromClosestLocation: true,
      assignWarehouseByAccountingCode: true,
      oneItemPerOrder: true,
      routeToHighestPriorityWarehouse: true,
      preassignedCarrierSplitsOrder: { enabled: true, carrier: 'HAZ' },
    });
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.warnings).toEqual([
      'assignWarehouseByZipCode is ignored: assignWarehouseByProduct overrides it',
      'stayWithinDestinationMarket is ignored: assignWarehouseByProduct overrides it',
      'oneItemPerOrder is ignored: assignWarehouseByProduct overrides it',
      'shipFromClosestLocation is ignored: assignWarehouseByProduct overrides it',
      'assignWarehouseByAccountingCode is ignored: assignWarehouseByProduct overrides it',
      'routeToHighestPriorityWarehouse is ignored: assignWarehouseByProduct overrides it',
    ]);
  });

  it('has no warnings when assignWarehouseByProduct is off or alone', () => {
    const a = validateSettings({ shipFromClosestLocation: true });
    const b = validateSettings({ assignWarehouseByProduct: true });
    expect(a.ok && a.warnings).toEqual([]);
    expect(b.ok && b.warnings).toEqual([]);
  });
});

describe('the zod schemas of a profile (settings-schema.ts) and the hand-written settings', () => {
  it('default every setting as DEFAULT_SETTINGS does, with the same keys in the same order', () => {
    const parsed = routingSettingsSchema.parse({});
    expect(parsed).toEqual(DEFAULT_SETTINGS);
    expect(Object.keys(parsed)).toEqual(Object.keys(DEFAULT_SETTINGS));
    expect(Object.keys(partialSettingsSchema.shape)).toEqual(Object.keys(DEFAULT_SETTINGS));
    expect(partialSettingsSchema.parse({})).toEqual({});
  });

  it('output exactly RoutingSettings (checked by the compiler)', () => {
    type Out = z.output<typeof routingSettingsSchema>;
    const same: [Out] extends [RoutingSettings] ? ([RoutingSettings] extends [Out] ? true : false) : false = true;
    expect(same).toBe(true);
  });
});
