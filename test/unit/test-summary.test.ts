import { describe, expect, it } from 'vitest';
import { closingLine, summarize } from '../../scripts/test-summary.mjs';

// The shape vitest 4's JSON reporter writes: one failed test inside describe.each(...) > describe
// makes the file and both describe levels failed suites (numFailedTestSuites 3).
const passing = (n: number) => Array.from({ length: n }, () => ({ status: 'passed', ancestorTitles: ['a'] }));
const report = {
  numTotalTestSuites: 9, numFailedTestSuites: 4,
  numPassedTests: 5, numFailedTests: 1, numPendingTests: 2, numTodoTests: 1,
  testResults: [
    { name: '/r/test/a.test.ts', status: 'passed', message: '', assertionResults: passing(3) },
    {
      name: '/r/test/b.test.ts', status: 'failed', message: '',
      assertionResults: [...passing(2), { status: 'failed', ancestorTitles: ['engine postgres', 'crons'] }, { status: 'skipped' }, { status: 'pending' }, { status: 'todo' }],
    },
    { name: '/r/test/c.test.ts', status: 'failed', message: 'Failed to load url ./missing', assertionResults: [] },
  ],
};

describe('the closing line of npm test', () => {
  it('counts failed tests, not the failed suites above them, and files that failed outside any test apart', () => {
    const s = summarize(report);
    expect(s).toEqual({ passed: 5, failed: 1, skipped: 3, brokenFiles: [{ name: '/r/test/c.test.ts', message: 'Failed to load url ./missing' }] });
    expect(closingLine(s)).toBe('5 passed, 1 failed, 3 skipped, 1 file failed outside any test');
  });

  it('says nothing of files when every file loaded', () => {
    const s = summarize({ ...report, testResults: report.testResults.slice(0, 2) });
    expect(s.brokenFiles).toEqual([]);
    expect(closingLine(s)).toBe('5 passed, 1 failed, 3 skipped');
  });

  it('a file whose hook failed with every test passing counts as a file, not as a test', () => {
    const s = summarize({ numPassedTests: 3, numFailedTests: 0, testResults: [{ name: '/r/x.test.ts', status: 'failed', message: 'afterAll hook', assertionResults: passing(3) }] });
    expect(s).toMatchObject({ passed: 3, failed: 0, skipped: 0 });
    expect(closingLine(s)).toBe('3 passed, 0 failed, 0 skipped, 1 file failed outside any test');
  });
});
