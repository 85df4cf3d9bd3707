/**
 * Result messages. They are shown in the app's toast region, which is part of the page layout (above
 * the tab bar, outside the scrolling list): a message takes its own room and never covers a control.
 * Successes and news go to a polite live region, errors to an assertive one; errors stay until
 * dismissed, the others leave after a few seconds.
 */
import { reactive } from 'vue';

export type ToastKind = 'success' | 'info' | 'error';
export interface Toast { id: number; kind: ToastKind; title: string; text: string }

export const toasts = reactive<Toast[]>([]);
let next = 1;
const STAY_MS = 6000;
const MAX = 3;

export function toast(kind: ToastKind, title: string, text = ''): void {
  const id = next++;
  toasts.push({ id, kind, title, text });
  while (toasts.length > MAX) {
    const oldest = toasts.findIndex((t) => t.kind !== 'error');
    toasts.splice(oldest >= 0 ? oldest : 0, 1);
  }
  if (kind !== 'error') setTimeout(() => dismiss(id), STAY_MS);
}

export function dismiss(id: number): void {
  const at = toasts.findIndex((t) => t.id === id);
  if (at >= 0) toasts.splice(at, 1);
}

/** The message of a failed call, for a toast. */
export const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
