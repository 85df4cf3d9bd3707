export { runBrokering, sweepAbandonedRuns, type RunOptions, type RunSummary } from './run';
export { getRun, listExceptions, listRuns, orderExplanation, retryException } from './queries';
