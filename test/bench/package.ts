/**
 * The package as a user installs it: tarball size, installed packages and size, native builds, and the root
 * import's wall time and RSS over bare node (median of 7 runs). Builds, packs and installs into an empty project
 * (the registry is needed for the dependencies). `npm run check:package` measures the same and also lints.
 */
import { checkPackage } from '../../scripts/check-package.js';

export async function run(): Promise<void> {
  const problems = await checkPackage({ lint: false });
  for (const p of problems) console.log(`problem: ${p}`);
  if (problems.length) throw new Error(`${problems.length} package figure(s) missed`);
}
