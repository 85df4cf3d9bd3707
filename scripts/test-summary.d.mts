export interface TestSummary {
  passed: number;
  failed: number;
  skipped: number;
  /** Files that failed with no failed test in them (did not load, or a hook outside the tests threw). */
  brokenFiles: { name: string; message: string }[];
}
export function summarize(report: unknown): TestSummary;
export function closingLine(s: TestSummary): string;
