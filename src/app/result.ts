/** The one failure union lives in the domain; re-exported here while callers move to it. */
export * from '../domain/result';
