import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The installed package's root (works from src/ under tsx and from dist/ after the build). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'chaintrail') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('chaintrail package root not found');
    dir = parent;
  }
}

export function demoCasePath(): string {
  return join(packageRoot(), 'fixtures', 'demo', 'case.json');
}
