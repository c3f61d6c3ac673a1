/**
 * Rewrites test/golden/manifest.json: the sha256 and size of every pinned report output. Run it only when a change
 * is meant to alter reports (`npx tsx test/golden/write.ts`), and say so in the CHANGELOG.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { goldenOutputs, sha256 } from './worlds.js';

const outputs = await goldenOutputs();
const manifest = Object.fromEntries(outputs.map((o) => [o.name, { sha256: sha256(o.text), bytes: Buffer.byteLength(o.text) }]));
writeFileSync(fileURLToPath(new URL('./manifest.json', import.meta.url)), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`${outputs.length} outputs pinned`);
