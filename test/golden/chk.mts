import { goldenOutputs } from './worlds.ts';
import { writeFileSync } from 'node:fs';
const o = await goldenOutputs();
for (const x of o.filter(x=>x.name.startsWith('cases'))) writeFileSync('/tmp/g-'+process.argv[2]+'-'+x.name, x.text);
