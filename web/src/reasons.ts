/** The rejection reasons, read once per page load, by description. */
import { api, type RejectionReason } from './api';

let loaded: Promise<RejectionReason[]> | undefined;
export function rejectionReasons(): Promise<RejectionReason[]> {
  // By description: the list reads alphabetically whatever the ids.
  loaded ??= api.reasons().then((r) => [...r.reasons].sort((a, b) => a.description.localeCompare(b.description))).catch((e) => { loaded = undefined; throw e; });
  return loaded;
}
