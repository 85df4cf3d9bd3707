export { LOCKED_STOCK, runBrokering, sweepAbandonedRuns, type RunOptions, type RunSummary, type StockAccess } from './run';
export { getRun, listExceptions, listRuns, orderExplanation, retryException } from './queries';
