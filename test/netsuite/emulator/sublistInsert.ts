/**
 * `Record.insertLine` for the fake N/record (standard mode), and NetSuite's line ids for lines
 * added that way: Help "Record.insertLine(options)" inserts an empty line at `line` (0 ..
 * line count) and the line gets its `line` id (the next number of the sublist) when the record is
 * saved. Importing this module installs both on the fakes; nothing else changes.
 */
import { FakeRecord, RecordStore } from '../support/fakes/records';
import { nsError } from '../support/fakes/misc';

declare module '../support/fakes/records' {
  interface FakeRecord {
    insertLine(o: { sublistId: string; line: number }): FakeRecord;
  }
}

const proto = FakeRecord.prototype as FakeRecord & { insertLine(o: { sublistId: string; line: number }): FakeRecord };
if (!Object.prototype.hasOwnProperty.call(proto, 'insertLine')) {
  proto.insertLine = function insertLine(this: FakeRecord, { sublistId, line }: { sublistId: string; line: number }) {
    const lines = (this.data.sublists[sublistId] ??= []);
    if (!Number.isInteger(line) || line < 0 || line > lines.length) throw nsError('SSS_INVALID_SUBLIST_OPERATION', `${sublistId}: cannot insert at line ${line}`);
    lines.splice(line, 0, {});
    return this;
  };
  const commit = RecordStore.prototype.commit;
  RecordStore.prototype.commit = function (this: RecordStore, rec: FakeRecord, op: 'save' | 'submitFields', opts?: { userEvents?: boolean; executionContext?: string }) {
    const items = rec.data.sublists.item;
    if (items && items.some((l) => l.line === undefined || l.line === '')) {
      let next = items.reduce((mx, l) => Math.max(mx, Number(l.line) || 0), 0);
      const numbered = items.map((l) => (l.line === undefined || l.line === '' ? { ...l, line: String(++next) } : l));
      const saved = rec.data.sublists.item;
      rec.data.sublists.item = numbered;
      try {
        return commit.call(this, rec, op, opts);
      } catch (e) {
        rec.data.sublists.item = saved;
        throw e;
      }
    }
    return commit.call(this, rec, op, opts);
  };
}
