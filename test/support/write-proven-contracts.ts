/**
 * Rewrites fixtures/reference/ethereum/proven-contracts/blocks_17173049_17173050.json from the vendored ethereum-etl
 * sample of the same blocks (`npx tsx test/support/write-proven-contracts.ts`); the rules are in proven-contracts.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { contractsFileText, deriveContracts, readExport } from './proven-contracts.js';
import { referencePath } from './reference.js';

const rows = deriveContracts(readExport(referencePath('ethereum/ethereum-etl-samples/test_stream/blocks_17173049_17173050')));
const file = referencePath('ethereum/proven-contracts/blocks_17173049_17173050.json');
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, contractsFileText(rows));
const by = new Map<string, number>();
for (const r of rows) for (const p of r.proven_by) by.set(p, (by.get(p) ?? 0) + 1);
console.log(`${rows.length} contracts: ${[...by].map(([p, n]) => `${p} ${n}`).join(', ')}`);
