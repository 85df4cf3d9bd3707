/** How times, ages and places read in the app (the browser's locale, a 24-hour clock). */
import type { ShipTo } from './api';

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23' });

export const clock = (iso: string | Date) => time.format(new Date(iso));
export const when = (iso: string | Date) => dateTime.format(new Date(iso));

/** How long ago: `45 min`, `5 h`, `3 d`. */
export function age(fromIso: string, nowMs: number): string {
  const minutes = Math.max(0, Math.floor((nowMs - new Date(fromIso).getTime()) / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} d`;
}

/** `late` past a day, `overdue` past three. */
export function ageLevel(fromIso: string, nowMs: number): 'fresh' | 'late' | 'overdue' {
  const hours = (nowMs - new Date(fromIso).getTime()) / 3_600_000;
  return hours >= 72 ? 'overdue' : hours >= 24 ? 'late' : 'fresh';
}

export const cityState = (s: ShipTo) => [s.city, s.state].filter(Boolean).join(', ');

/** `SHIP_NEXT_DAY` → `Ship next day`; none → `Standard`. */
export function method(m: string | null): string {
  if (!m) return 'Standard';
  const words = m.replace(/[_-]+/g, ' ').trim().toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
