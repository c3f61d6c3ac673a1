/**
 * Regenerates test/contracts/artifacts.json from the Solidity sources next to it with the `solc` npm package:
 *   npx tsx test/contracts/compile.ts
 * The artifact is committed so tests need no compiler run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import solc from 'solc';

const here = dirname(fileURLToPath(import.meta.url));
const SOURCES = [
  'TestToken.sol',
  'FakeToken.sol',
  'MiniSpokePool.sol',
  'WETH9.sol',
  'SwapPools.sol',
  'SwapRouter.sol',
  'Splitter.sol',
  'Batcher.sol',
  'DepositForwarder.sol',
  'MiniRouters.sol',
  'MiniThorRouter.sol',
];
// The SpokePool's events and the pools' swap() hold more values than the legacy code generator keeps on the stack:
// compiled through the IR.
const VIA_IR = new Set(['MiniSpokePool.sol', 'SwapPools.sol', 'SwapRouter.sol']);

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>;
}

function compile(files: string[], viaIR: boolean): SolcOutput {
  const input = {
    language: 'Solidity',
    sources: Object.fromEntries(files.map((file) => [file, { content: readFileSync(join(here, file), 'utf8') }])),
    // paris: ganache 7 does not know PUSH0 (shanghai), which solc emits by default.
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: 'paris',
      ...(viaIR ? { viaIR: true } : {}),
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  return output;
}

const outputs = [
  compile(
    SOURCES.filter((f) => !VIA_IR.has(f)),
    false,
  ),
  compile(
    SOURCES.filter((f) => VIA_IR.has(f)),
    true,
  ),
];
const artifacts: Record<string, { abi: unknown[]; bytecode: string }> = {};
for (const file of SOURCES) {
  for (const output of outputs) {
    for (const [name, contract] of Object.entries(output.contracts[file] ?? {})) {
      artifacts[name] = { abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` };
    }
  }
}
const document = { compiler: `solc ${solc.version()}`, sources: SOURCES, contracts: artifacts };
writeFileSync(join(here, 'artifacts.json'), `${JSON.stringify(document, null, 2)}\n`);
console.log(`wrote ${Object.keys(artifacts).join(', ')} to test/contracts/artifacts.json`);
