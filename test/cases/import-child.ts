/**
 * Child process for the crash-safety test: imports a complaint file into a case store, printing `progress N` after
 * each committed transaction and pausing a little there (so the parent can kill it mid-import), then `done <json>`.
 * Usage: node --import tsx test/cases/import-child.ts <db target> <file> [batch size] [pause ms]
 */
import { importComplaints } from '../../src/cases/import.js';
import { openCaseStore } from '../../src/cases/store.js';

const [target, file, batch = '100', pause = '20'] = process.argv.slice(2);
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const store = await openCaseStore({ target: target!, env: {} });
const result = await importComplaints(store, file!, {
  batchSize: Number(batch),
  onProgress: (e) => {
    process.stdout.write(`progress ${e.done}\n`);
    Atomics.wait(sleeper, 0, 0, Number(pause));
  },
});
await store.close();
process.stdout.write(`done ${JSON.stringify(result)}\n`);
