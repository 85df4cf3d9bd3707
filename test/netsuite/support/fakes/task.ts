/**
 * Fake N/task for CSV imports. A submitted task starts PENDING; the test moves it on
 * (`setStatus`), or gives it a plan of statuses that successive `checkStatus` calls step through
 * (e.g. PROCESSING, COMPLETE). `onComplete` lets a test apply the imported rows to the fake records.
 */
import { type Governance, nsError } from './misc';

export type Status = 'PENDING' | 'PROCESSING' | 'COMPLETE' | 'FAILED';

export interface CsvTask {
  id: string;
  mappingId: string;
  name: string;
  queueId?: number;
  content: string;
  status: Status;
  plan: Status[];
  checks: number;
}

export class FakeTasks {
  readonly tasks: CsvTask[] = [];
  onComplete?: (t: CsvTask) => void;
  private seq = 0;
  private plans: { match: (name: string) => boolean; statuses: Status[] }[] = [];
  private submitFailures: ((t: { name: string; content: string }) => Error | undefined)[] = [];

  constructor(private gov: Governance) {}

  /** Tasks whose job name ends with `-{fileName}` get this status plan at submit. */
  planFor(fileName: string | ((name: string) => boolean), statuses: Status[]): void {
    this.plans.push({ match: typeof fileName === 'string' ? (n) => n.endsWith(`-${fileName}`) : fileName, statuses });
  }

  failSubmitWhen(f: (t: { name: string; content: string }) => Error | undefined): void {
    this.submitFailures.push(f);
  }

  byFile(fileName: string): CsvTask | undefined {
    return this.tasks.find((t) => t.name.endsWith(`-${fileName}`));
  }

  setStatus(fileName: string, status: Status): void {
    const t = this.byFile(fileName);
    if (!t) throw new Error(`no task for ${fileName}`);
    this.transition(t, status);
  }

  setAll(status: Status): void {
    for (const t of this.tasks) if (t.status === 'PENDING' || t.status === 'PROCESSING') this.transition(t, status);
  }

  private transition(t: CsvTask, status: Status): void {
    const was = t.status;
    t.status = status;
    if (status === 'COMPLETE' && was !== 'COMPLETE') this.onComplete?.(t);
  }

  module() {
    const TaskType = { CSV_IMPORT: 'CSV_IMPORT', SCHEDULED_SCRIPT: 'SCHEDULED_SCRIPT', MAP_REDUCE: 'MAP_REDUCE' };
    const TaskStatus = { PENDING: 'PENDING', PROCESSING: 'PROCESSING', COMPLETE: 'COMPLETE', FAILED: 'FAILED' };
    const create = ({ taskType }: { taskType: string }) => {
      if (taskType !== TaskType.CSV_IMPORT) throw nsError('SSS_INVALID_TASK_TYPE', `fake supports CSV_IMPORT only, not ${taskType}`);
      const t: { taskType: string; mappingId?: string; importFile?: unknown; name?: string; queueId?: number; submit: () => string } = {
        taskType,
        submit: () => {
          this.gov.use(100);
          if (!t.mappingId || t.importFile === undefined) throw nsError('SSS_MISSING_REQD_ARGUMENT', 'CsvImportTask needs mappingId and importFile');
          const content = typeof t.importFile === 'string' ? t.importFile : (t.importFile as { getContents(): string }).getContents();
          const name = t.name ?? '';
          for (const f of this.submitFailures) {
            const e = f({ name, content });
            if (e) throw e;
          }
          const plan = this.plans.find((p) => p.match(name));
          const task: CsvTask = { id: `CSVIMPORT_${++this.seq}`, mappingId: String(t.mappingId), name, queueId: t.queueId, content, status: 'PENDING', plan: plan ? [...plan.statuses] : [], checks: 0 };
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
      const next = t.plan.shift();
      if (next) this.transition(t, next);
      return { taskId: t.id, status: t.status };
    };
    return { TaskType, TaskStatus, create, checkStatus };
  }
}
