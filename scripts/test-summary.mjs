// Counts a vitest JSON report for the closing line of `npm test`.
//
// vitest's numFailedTestSuites counts every failed suite: the file and each describe level above a
// failed test, so one failed test inside `describe.each(...)` added 1 + 2 to the old sum. Here
// tests are counted from the tests alone, and a file is counted apart only when it failed without
// any failed test in it (it did not load, or a hook outside every test threw).

/**
 * @param {{ numPassedTests?: number, numFailedTests?: number, numPendingTests?: number, numTodoTests?: number,
 *   testResults?: { name: string, status: string, message?: string, assertionResults?: { status: string }[] }[] }} report
 */
export function summarize(report) {
  const files = report.testResults ?? [];
  const brokenFiles = files
    .filter((f) => f.status === 'failed' && !(f.assertionResults ?? []).some((t) => t.status === 'failed'))
    .map((f) => ({ name: f.name, message: f.message ?? '' }));
  return {
    passed: report.numPassedTests ?? 0,
    failed: report.numFailedTests ?? 0,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
    brokenFiles,
  };
}

/** The closing line: "N passed, N failed, N skipped", then ", N files failed outside any test" when some did. */
export function closingLine(s) {
  const line = `${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`;
  const n = s.brokenFiles.length;
  return n ? `${line}, ${n} ${n === 1 ? 'file' : 'files'} failed outside any test` : line;
}
