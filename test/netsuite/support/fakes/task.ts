/**
 * Fake N/task for CSV imports, backed by the emulator's import engine.
 *
 * - `task.create({taskType: CSV_IMPORT})` with `mappingId` (the saved import's script id, looked
 *   up among `netsuite/src/Objects/custimport_*.xml`) and `importFile` (an N/file File or CSV
 *   text); `submit()` costs governance, checks the map exists and returns a task id. Nothing is
 *   imported at submit: the job is queued.
 * - The job runs when the test advances the emulator: `tick()` moves every unfinished job one step
 *   (PENDING → PROCESSING → COMPLETE or FAILED), `runPending()` runs them to the end. With
 *   `advanceOnCheck`, each `checkStatus` of a job moves that job one step instead (time passing
 *   while a script polls). Never wall time.
 * - A job ends COMPLETE when it processed its rows, whatever each row did; the refused rows are
 *   in its CSV response file (`row,message`, `row` = 1-based data row of the imported file). It
 *   ends FAILED only when the file or the map cannot be read at all, or when a test says so
 *   (`failJob`). Documented behaviour: SuiteAnswers "CSV Import Job Status" — Complete even when
 *   rows failed, failures in the response file; N/task `CsvImportTaskStatus.status` PENDING,
 *   PROCESSING, COMPLETE, FAILED.
 * - `checkStatus` returns `{taskId, status}` and, once the job is COMPLETE, `responseFile` (an
 *   N/file File). NetSuite documents only `status` on CsvImportTaskStatus and shows the response
 *   file under Setup > Import/Export > View CSV Import Status; the scripts use `responseFile` when
 *   it is there and otherwise reconcile the rows against the records (see lib/csvImportFeed.ts).
 *   `exposeResponseFile = false` emulates an account without it.
 */
import { runCsvImport, type ImportResult } from '../../emulator/csvImport';
import { loadImportMaps, type ImportMap } from '../../emulator/importMaps';
import { loadSchema, type RecordDef } from '../../emulator/schema';
import { FakeFile, type Governance, nsError, type UserPrefs } from './misc';
import type { RecordStore } from './records';

export type Status = 'PENDING' | 'PROCESSING' | 'COMPLETE' | 'FAILED';

/** CsvImportTask.submit(): 100 units (Help: N/task governance). */
export const TASK_SUBMIT_COST = 100;
/** A CSV import job reads at most 25,000 rows (Help: "CSV Import Limits"). */
export const CSV_IMPORT_MAX_ROWS = 25_000;

export interface CsvTask {
  id: string;
  mappingId: string;
  name: string;
  queueId?: number;
  content: string;
  status: Status;
  checks: number;
  result?: ImportResult;
  /** `row,message` of the refused rows, once COMPLETE. */
  responseCsv?: string;
  /** Why the job failed (FAILED only). */
  failure?: string;
  /** Set by `failJob`: the job ends FAILED with this message. */
  forcedFailure?: string;
}

const csvCell = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export class FakeTasks {
  readonly tasks: CsvTask[] = [];
  readonly maps: Map<string, ImportMap>;
  readonly schema: Record<string, RecordDef>;
  advanceOnCheck = false;
  exposeResponseFile = true;
  private seq = 0;
  private submitFailures: ((t: { name: string; content: string }) => Error | undefined)[] = [];

  constructor(private gov: Governance, private store: RecordStore, private prefs: UserPrefs) {
    this.maps = loadImportMaps();
    this.schema = loadSchema();
  }

  failSubmitWhen(f: (t: { name: string; content: string }) => Error | undefined): void {
    this.submitFailures.push(f);
  }

  byFile(fileName: string): CsvTask | undefined {
    return this.tasks.find((t) => t.name.endsWith(`-${fileName}`));
  }

  /** The job of `fileName` ends FAILED (as a job that NetSuite could not run) at its next step. */
  failJob(fileName: string, message = 'The CSV import job failed.'): void {
    const t = this.byFile(fileName);
    if (!t) throw new Error(`no task for ${fileName}`);
    t.forcedFailure = message;
  }

  /** Moves the job of `fileName` one step. */
  advance(fileName: string): void {
    const t = this.byFile(fileName);
    if (!t) throw new Error(`no task for ${fileName}`);
    this.step(t);
  }

  /** Runs the job of `fileName` to its end. */
  finish(fileName: string): void {
    const t = this.byFile(fileName);
    if (!t) throw new Error(`no task for ${fileName}`);
    while (t.status === 'PENDING' || t.status === 'PROCESSING') this.step(t);
  }

  /** Moves every unfinished job one step. */
  tick(): void {
    for (const t of this.tasks) this.step(t);
  }

  /** Runs every unfinished job to its end. */
  runPending(): void {
    for (const t of this.tasks) while (t.status === 'PENDING' || t.status === 'PROCESSING') this.step(t);
  }

  private step(t: CsvTask): void {
    if (t.status === 'PENDING') {
      t.status = 'PROCESSING';
      return;
    }
    if (t.status !== 'PROCESSING') return;
    if (t.forcedFailure) {
      t.status = 'FAILED';
      t.failure = t.forcedFailure;
      return;
    }
    const map = this.maps.get(t.mappingId)!;
    const dataRows = t.content.split(/\r?\n/).filter((l) => l.trim() !== '').length - 1;
    const result: ImportResult =
      dataRows > CSV_IMPORT_MAX_ROWS
        ? { status: 'FAILED', jobError: `the file has ${dataRows} rows; a CSV import reads at most ${CSV_IMPORT_MAX_ROWS}`, rows: [] }
        : runCsvImport({ store: this.store, schema: this.schema, dateFormat: this.prefs.dateFormat }, map, t.content);
    t.result = result;
    t.status = result.status;
    if (result.status === 'FAILED') t.failure = result.jobError;
    else t.responseCsv = 'row,message\n' + result.rows.filter((r) => !r.ok).map((r) => `${r.row},${csvCell(r.message)}\n`).join('');
  }

  module() {
    const TaskType = { CSV_IMPORT: 'CSV_IMPORT', SCHEDULED_SCRIPT: 'SCHEDULED_SCRIPT', MAP_REDUCE: 'MAP_REDUCE' };
    const TaskStatus = { PENDING: 'PENDING', PROCESSING: 'PROCESSING', COMPLETE: 'COMPLETE', FAILED: 'FAILED' };
    const create = ({ taskType }: { taskType: string }) => {
      if (taskType !== TaskType.CSV_IMPORT) throw nsError('SSS_INVALID_TASK_TYPE', `fake supports CSV_IMPORT only, not ${taskType}`);
      const t: { taskType: string; mappingId?: string; importFile?: unknown; name?: string; queueId?: number; submit: () => string } = {
        taskType,
        submit: () => {
          this.gov.use(TASK_SUBMIT_COST);
          if (!t.mappingId || t.importFile === undefined) throw nsError('SSS_MISSING_REQD_ARGUMENT', 'CsvImportTask needs mappingId and importFile');
          if (!this.maps.has(String(t.mappingId))) throw nsError('FAILED_TO_SUBMIT_JOB_REQUEST_1', `no saved CSV import ${t.mappingId}`);
          const content = typeof t.importFile === 'string' ? t.importFile : (t.importFile as { getContents(): string }).getContents();
          const name = t.name ?? '';
          for (const f of this.submitFailures) {
            const e = f({ name, content });
            if (e) throw e;
          }
          const task: CsvTask = { id: `CSVIMPORT_${++this.seq}`, mappingId: String(t.mappingId), name, queueId: t.queueId, content, status: 'PENDING', checks: 0 };
          this.tasks.push(task);
          return task.id;
        },
      };
      return t;
    };
    const checkStatus = ({ taskId }: { taskId: string }) => {
      const t = this.tasks.find((x) => x.id === taskId);
      if (!t) throw nsError('SSS_INVALID_TASK_ID', `no task ${taskId}`);
      t.checks++;
      if (this.advanceOnCheck) this.step(t);
      const status: { taskId: string; status: Status; responseFile?: FakeFile; toString(): string } = { taskId: t.id, status: t.status, toString: () => `CsvImportTaskStatus ${t.id} ${t.status}` };
      if (this.exposeResponseFile && t.status === 'COMPLETE' && t.responseCsv !== undefined) status.responseFile = new FakeFile(`${t.id}-response.csv`, t.responseCsv);
      return status;
    };
    return { TaskType, TaskStatus, create, checkStatus };
  }
}
