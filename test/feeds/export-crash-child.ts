/**
 * Child process of the SIGKILL export test: runs GEN_BRKR_ORD_FD_NS against the PostgreSQL database
 * argv[2], uploading into the local folder argv[3], `maxRowsPerFile` argv[4], in a loop until nothing
 * is left, so the parent can kill it at any point (in a claim transaction, mid-upload, after the
 * upload before the UPLOADED mark). Uploads are slowed a little so kills land inside them too.
 */
import { openDatabase } from '../../src/db/client';
import { LocalDirTransport, type FileTransport } from '../../src/sftp';
import { feedJob } from '../../src/feeds/jobs';
import { quietContext } from '../../src/feeds/common';

const [url, dir, maxRows] = process.argv.slice(2);
const d = await openDatabase({ databaseUrl: url, poolSize: 2 });
await d.query('select 1');
const local = new LocalDirTransport({ dir });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const transport: FileTransport = Object.assign(Object.create(local) as FileTransport, {
  async putAtomic(...args: Parameters<FileTransport['putAtomic']>) {
    await sleep(Math.random() * 60);
    const r = await local.putAtomic(...args);
    await sleep(Math.random() * 120); // the window between the rename and the UPLOADED mark

    return r;
  },
});
const job = feedJob({ database: d, transport, config: { NETSUITE_ADJUSTMENT_ACCOUNT: '927', NETSUITE_SUBSIDIARY: '1', NETSUITE_FULFILLMENT_TAG: 'oms-fulfilled' } }, 'GEN_BRKR_ORD_FD_NS');
process.stdout.write('ready\n');
for (let i = 0; ; i++) {
  const r = await job.handler(quietContext(`CHILD-${process.pid}-${i}`, { maxRowsPerFile: Number(maxRows) }));
  if (r.counts.filesCreated === 0 && r.counts.filesReuploaded === 0) break;
}
process.stdout.write('done\n');
await d.close();
