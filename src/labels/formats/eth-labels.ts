import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { InvalidInputError } from '../../core/errors.js';
import { checkInput, parseInput } from '../../core/parse.js';
import { emptySummary, mergeSummary, type LabelImport } from '../summary.js';
import { readText } from './csv.js';
import { etherscanRowsToLabels, type EtherscanRow } from './etherscan.js';
import { lineAt, lineStarts } from './ofac.js';
import { append } from '../../core/lists.js';

/**
 * dawsbot/eth-labels (MIT): explorer labels copied into `data/<explorer>/<label>/accounts.json`, each file a JSON
 * array of `{ "address": "0x…", "nameTag": "Binance 14" }`; the folder names the explorer (its chain) and the label
 * slug (the project's api/load-all-accounts-from-filesystem.ts). `tokens.json` files (token contracts) are not
 * accounts and are not read. Explorer folders and their chains, as that file maps them:
 */
export const ETH_LABELS_CHAINS: Readonly<Record<string, string>> = {
  etherscan: 'ethereum',
  optimism: 'evm:10',
  arbiscan: 'evm:42161',
  basescan: 'evm:8453',
  celo: 'evm:42220',
  bscscan: 'evm:56',
  gnosis: 'evm:100',
};

const AccountsSchema = z.array(z.unknown(), { message: 'expected a JSON array of accounts' });
const AccountSchema = z
  .object({
    address: z.string({ message: 'address is required (text)' }),
    // eth-labels writes null (or a one-character tag) when the explorer shows no name tag.
    nameTag: z.string({ message: 'nameTag must be text' }).nullable().optional(),
  })
  .loose();

/** Where an accounts.json sits: its explorer's chain and the label slug of its folder. */
export interface EthLabelsFileOptions {
  chain: string;
  label: string;
}

/**
 * One eth-labels `accounts.json`: every account becomes a label on the explorer's chain, entity from the name tag
 * (as for Etherscan exports: "Binance 14" → "Binance"), category from the folder's label slug and the name tag
 * (etherscanCategory), confidence 0.5 (a trusted provider's attribution). Rows without a name tag or with a bad
 * address are skipped with their line.
 */
export function parseEthLabelsAccounts(text: string, file: string, options: EthLabelsFileOptions): LabelImport {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`${file}: not valid JSON: ${(error as Error).message}`, { details: { file }, cause: error });
  }
  const accounts = parseInput(AccountsSchema, data, `${file}: not an eth-labels accounts file`, { details: { file } });
  const starts = lineStarts(text);
  let cursor = 0;
  const rows: EtherscanRow[] = accounts.map((raw) => {
    const account = checkInput(AccountSchema, raw);
    const address = account.ok ? account.data.address : String((raw as { address?: unknown } | null)?.address ?? '');
    const at = address ? text.indexOf(JSON.stringify(address), cursor) : -1;
    if (at >= 0) cursor = at + 1;
    const line = lineAt(starts, at >= 0 ? at : cursor);
    if (!account.ok) return { address, line, error: account.problem };
    return { address, line, name: account.data.nameTag ?? '', labels: [options.label] };
  });
  const imported = etherscanRowsToLabels(rows, file, { chain: options.chain });
  const where = `eth-labels ${file.split(/[\\/]/).slice(-3).join('/')}`;
  imported.labels = imported.labels.map((l, i) => ({ ...l, source: `${where}:${imported.lines[i]}` }));
  return imported;
}

/** What an eth-labels checkout gave: the labels of every accounts.json, and folders that were not read, with why. */
export interface EthLabelsImport extends LabelImport {
  /** Explorer folders with no chain in ETH_LABELS_CHAINS (a newer dataset's chains), never read silently. */
  unreadFolders: { folder: string; reason: string }[];
}

/** Reads `<dir>/<explorer>/<label>/accounts.json` of an eth-labels checkout's `data` folder (or the checkout itself). */
export function readEthLabelsDir(dir: string): EthLabelsImport {
  const root = statSync(join(dir, 'data'), { throwIfNoEntry: false })?.isDirectory() ? join(dir, 'data') : dir;
  const out: EthLabelsImport = { labels: [], lines: [], summary: emptySummary(), unreadFolders: [] };
  for (const explorer of readdirSync(root).sort()) {
    const folder = join(root, explorer);
    if (explorer.startsWith('.') || !statSync(folder).isDirectory()) continue;
    const chain = ETH_LABELS_CHAINS[explorer.toLowerCase()];
    if (!chain) {
      out.unreadFolders.push({ folder, reason: `explorer "${explorer}" has no chain in chaintrail's eth-labels mapping` });
      continue;
    }
    for (const label of readdirSync(folder).sort()) {
      const file = join(folder, label, 'accounts.json');
      if (!statSync(file, { throwIfNoEntry: false })?.isFile()) continue;
      const part = parseEthLabelsAccounts(readText(file), file, { chain, label });
      append(out.labels, part.labels);
      append(out.lines, part.lines);
      mergeSummary(out.summary, part.summary);
    }
  }
  return out;
}
