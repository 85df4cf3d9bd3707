/**
 * `npm run demo:netsuite`: the NetSuite loop's order-to-invoice story, told for a NetSuite
 * administrator. The OMS runs on an embedded PGlite database in memory, the SuiteScripts are
 * compiled from `netsuite/ts/` and run in the N/* emulator of the tests, and both sides exchange
 * their files through a real SFTP server on loopback started for the run: nothing else needs to
 * be running, and nothing is kept afterwards. The story is the loop tests' (`test/netsuite/loop/`).
 *
 * Prints each step (record ids, file names, locations; never a customer's name, address or
 * e-mail). Exit 0 when the story ran to its end; otherwise one line saying where it stopped and
 * why, exit 1.
 */
import { openDatabase, type Database } from '../src/db/client';
import { migrateDatabase } from '../src/db/migrate';
import { openStory, type Story, StoryError } from '../test/netsuite/loop/story';
import { tellStory } from '../test/netsuite/loop/story-fulfilment';

const out = (line: string) => void process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  out('OMS ⇄ NetSuite: one order from entry to invoice (OMS on embedded PGlite, SuiteScripts in the N/* emulator, SFTP on loopback)');
  out('');
  let database: Database | undefined;
  let story: Story | undefined;
  let step = 'setting up';
  try {
    database = await openDatabase({});
    await migrateDatabase(database);
    story = await openStory(database, (line) => {
      const title = /^(\d+b?)\. /.exec(line);
      if (title) step = `step ${title[1]}`;
      out(title || !line ? line : `  ${line}`);
    });
    await tellStory(story);
    out('');
    out('Done: the order went from the OMS to a NetSuite invoice, every file read once and archived.');
    return 0;
  } catch (e) {
    const why = e instanceof StoryError ? e.message : e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    out('');
    out(`The demo stopped while ${step}: ${why.split('\n')[0]}`);
    return 1;
  } finally {
    await story?.close().catch(() => undefined);
    await database?.close().catch(() => undefined);
  }
}

process.exitCode = await main();
