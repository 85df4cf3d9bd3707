// Worker entry that loads a TypeScript module through tsx (worker threads do not inherit
// vitest's transform): `workerData.entry` is the absolute path of the .ts file to run.
import { workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

register();
await import(pathToFileURL(workerData.entry).href);
