/**
 * The demo's users, with fixed passwords (demo only: they are in the README and printed in the log
 * at the first seeding): an admin, an operations user and two store associates.
 */
import type { Tx } from '../../db/client';
import { createUser } from '../auth';

export interface DemoUser { username: string; password: string; role: 'admin' | 'operations' | 'store'; facilities: string[] }

export const DEMO_USERS: readonly DemoUser[] = [
  { username: 'admin', password: 'demo-admin', role: 'admin', facilities: [] },
  { username: 'operations', password: 'demo-operations', role: 'operations', facilities: [] },
  { username: 'boston', password: 'demo-boston', role: 'store', facilities: ['STORE_BOSTON'] },
  { username: 'chicago', password: 'demo-chicago', role: 'store', facilities: ['STORE_CHICAGO'] },
];

/** Creates the demo users (after the demo facilities) in the seed's transaction; a name already taken is left as it is. */
export async function seedDemoUsers(tx: Tx): Promise<DemoUser[]> {
  const created: DemoUser[] = [];
  for (const u of DEMO_USERS) {
    const r = await createUser(tx, { ...u });
    if (r.kind === 'created') created.push(u);
    else if (r.kind !== 'conflict') throw new Error(`demo data: user ${u.username} refused: ${r.message}`);
  }
  return created;
}
