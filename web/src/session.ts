/**
 * Who is logged in (from `GET /auth/me`, the session cookie being HttpOnly) and what their role may
 * do; the store a user last worked at, remembered per user in this browser.
 */
import { reactive } from 'vue';
import { api, ApiError, type Me } from './api';

export const session = reactive<{ me: Me | null; checked: boolean }>({ me: null, checked: false });

/** Asks the server who this is, once (until a log-in or log-out); null when nobody is logged in. */
export async function loadSession(): Promise<Me | null> {
  if (session.checked) return session.me;
  try {
    session.me = await api.me();
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) throw e;
    session.me = null;
  }
  session.checked = true;
  return session.me;
}

export async function logIn(username: string, password: string): Promise<void> {
  await api.login(username, password);
  session.checked = false;
  await loadSession();
}

export async function logOut(): Promise<void> {
  try { await api.logout(); } finally { forget(); }
}

/** The session ended (a 401): nobody is logged in any more. */
export function forget(): void {
  session.me = null;
  session.checked = true;
}

export const can = (permission: string): boolean => Boolean(session.me?.permissions.includes(permission));

const storeKey = () => `oms:store:${session.me?.user.username ?? ''}`;
export const rememberedStore = (): string | null => (session.me ? localStorage.getItem(storeKey()) : null);
export const rememberStore = (facilityId: string) => { if (session.me) localStorage.setItem(storeKey(), facilityId); };
