/** `oms route --from-db --settings FILE [--from DATE --to DATE]`: a read-only comparison. */
import { whatIf } from '../app/brokering/what-if';
import { checkSettings } from '../app/routing-profiles';
import { printJson, readJsonFile, UsageError, withDatabase } from './support';

export async function runWhatIf(o: { settings?: string; from?: string; to?: string }) {
  if (!o.settings) throw new UsageError('route --from-db: --settings <file> is required');
  const raw = readJsonFile(o.settings, '--settings');
  const body = raw && typeof raw === 'object' && 'settings' in (raw as object) ? (raw as { settings: unknown }).settings : raw;
  const checked = checkSettings(body);
  if (checked.kind !== 'ok') throw new UsageError(`--settings: ${checked.message}`);
  const date = (s: string | undefined, name: string) => {
    if (!s) return undefined;
    const d = new Date(s);
    if (Number.isNaN(d.getTime())) throw new UsageError(`${name}: not a date: ${s}`);
    return d;
  };
  const range = o.from || o.to ? { from: date(o.from, '--from'), to: date(o.to, '--to') } : undefined;
  await withDatabase(async (d) => printJson(await whatIf(d.db, checked.stored, range)));
}
