import { describe, expect, it } from 'vitest';
import setup from '../support/global-setup';

describe('test setup under CI=true', () => {
  it('fails the run when PostgreSQL is unreachable instead of skipping its tests', async () => {
    const saved = { ...process.env };
    process.env.CI = 'true';
    process.env.OMS_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:1/postgres';
    process.env.OMS_TEST_ENGINES = 'postgres';
    const provided: Record<string, unknown> = {};
    try {
      await expect(setup({ provide: (k: string, v: unknown) => { provided[k] = v; } } as any)).rejects.toThrow(/PostgreSQL unreachable.*CI=true/);
      expect(provided.engines).toBeUndefined();
    } finally {
      process.env = saved;
    }
  });
});
