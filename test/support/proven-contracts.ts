import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getBytes, keccak256 } from 'ethers';

/**
 * Which addresses of an ethereum-etl export (transactions, token_transfers, logs of the same blocks) are PROVEN to
 * hold code, from the export itself. Nothing is guessed from degree or a label; an address no rule proves is simply
 * absent (the table is a lower bound). This is how fixtures/reference/ethereum/proven-contracts/ was made
 * (`npx tsx test/support/write-proven-contracts.ts` rewrites it; test/adapters/warehouse/real-swaps.test.ts checks
 * the file is exactly what this derives). Shares no code with src/.
 *
 * THE RULES (each row names every rule that proves it)
 * - `log`: the address emitted a log. Only code runs LOG.
 * - `called`: the `to_address` of a successful transaction that emitted at least one log. A call to an address
 *   without code runs nothing, so nothing in that transaction could log (before EIP-7702, which these 2023 blocks
 *   predate).
 * - `created`: the `receipt_contract_address` of a successful creation transaction.
 * - `weth-caller`: the `dst` of a WETH9 `Deposit`, the `src` of a `Withdrawal` or of an `Approval`, in a transaction
 *   it did not send. WETH9 (mainnet WETH, verified source) logs its caller, msg.sender, there (deposit, withdraw and
 *   approve are the only functions that emit them); a caller other than the transaction's sender is code.
 * - `create-child`: CREATE(c, nonce) of a proven contract c for a one-byte nonce 1–127 (every nonce whose RLP
 *   is one byte: a contract's first 127 creations), when that address SENDS a token in the export. An address
 *   derived by CREATE has no known key, so only its own code can move its tokens.
 * - `uniswap-v2-pair` / `uniswap-v3-pool`: CREATE2(factory, salt of a token pair (and fee), init code hash) with
 *   the constants Uniswap's SDKs publish, for every pair of token contracts the export moves, when that address
 *   appears in the export's token transfers. These confirm the `log` rule for pools; they add no address the logs
 *   do not already prove in these blocks.
 */

export type Proof = 'log' | 'called' | 'created' | 'weth-caller' | 'create-child' | 'uniswap-v2-pair' | 'uniswap-v3-pool';
export interface ProvenContract {
  address: string;
  proven_by: Proof[];
}

/** Uniswap V2: v2-sdk src/constants.ts (FACTORY_ADDRESS, INIT_CODE_HASH), Uniswap/v2-sdk@5174518d, MIT. */
export const UNISWAP_V2 = {
  factory: '0x5C69bEe701ef814a2B6a3EDD4B1652CB9cc5aA6f',
  initCodeHash: '0x96e8ac4277198ff8b6f785478aa9a39f403cb768dd02cbee326c3e7da348845f',
};
/** Uniswap V3: v3-sdk src/constants.ts (FACTORY_ADDRESS, POOL_INIT_CODE_HASH, FeeAmount), Uniswap/v3-sdk@4e16fe8e, MIT. */
export const UNISWAP_V3 = {
  factory: '0x1F98431c8aD98523631AE4a59f267346ea31F984',
  initCodeHash: '0xe34f199b19b2b4f47f68442619d555527d244f78a3297ea89325f843f87b8b54',
  fees: [100, 500, 3000, 10000],
};

/** Mainnet WETH (WETH9) and the events whose first indexed address is the caller: Deposit, Withdrawal, Approval. */
const WETH9 = '0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2';
const WETH9_CALLER_EVENTS = new Set([
  '0xe1fffcc4923d04b559f4d29a8bfc6cda04eb5b0d3c460751c2402c5c5cc9109c', // Deposit(address,uint256)
  '0x7fcf532c15f0a6db0bd6d0e038bea71d30d808c7d98cb3bf7268a95bf5081b65', // Withdrawal(address,uint256)
  '0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925', // Approval(address,address,uint256)
]);

interface Export {
  transactions: { hash: string; from_address: string; to_address: string | null; receipt_contract_address: string | null; receipt_status: number }[];
  transfers: { token_address: string; from_address: string; to_address: string }[];
  logs: { address: string; transaction_hash: string; topics: string[] }[];
}

/** The three files of an ethereum-etl stream sample (newline-delimited JSON); only addresses, hashes and status are read. */
export function readExport(dir: string): Export {
  const lines = <T>(name: string) =>
    readFileSync(join(dir, name), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as T);
  return {
    transactions: lines('expected_transactions.json'),
    transfers: lines('expected_token_transfers.json'),
    logs: lines('expected_logs.json'),
  };
}

const lower = (a: string) => a.toLowerCase();

/** The last 20 bytes of keccak256(bytes), lower-case: the address CREATE and CREATE2 make. */
const addressOfHash = (bytes: Uint8Array) => `0x${keccak256(bytes).slice(-40)}`;

/** CREATE(from, nonce) for 1 <= nonce <= 127: keccak256(rlp([from, nonce])), the nonce one RLP byte. */
function createAddress(from: string, nonce: number): string {
  return addressOfHash(Uint8Array.from([0xd6, 0x94, ...getBytes(from), nonce]));
}

/** CREATE2(factory, salt, initCodeHash): keccak256(0xff ++ factory ++ salt ++ initCodeHash). */
function create2Address(factory: string, salt: string, initCodeHash: string): string {
  return addressOfHash(Uint8Array.from([0xff, ...getBytes(factory), ...getBytes(salt), ...getBytes(initCodeHash)]));
}

/** The Uniswap pools among `seen` that CREATE2 derives from pairs of `tokens` (sorted, as the factories sort them). */
function uniswapPools(tokens: string[], seen: Set<string>): Map<string, Proof> {
  const found = new Map<string, Proof>();
  const word = (hex: string) => hex.replace(/^0x/, '').padStart(64, '0');
  const sorted = [...new Set(tokens.map(lower))].sort();
  for (const [i, a] of sorted.entries()) {
    for (const b of sorted.slice(i + 1)) {
      // v2: keccak256(abi.encodePacked(token0, token1)); v3: keccak256(abi.encode(token0, token1, fee)).
      const v2 = create2Address(UNISWAP_V2.factory, keccak256(`0x${a.slice(2)}${b.slice(2)}`), UNISWAP_V2.initCodeHash);
      if (seen.has(v2)) found.set(v2, 'uniswap-v2-pair');
      for (const fee of UNISWAP_V3.fees) {
        const salt = keccak256(`0x${word(a)}${word(b)}${word(fee.toString(16))}`);
        const v3 = create2Address(UNISWAP_V3.factory, salt, UNISWAP_V3.initCodeHash);
        if (seen.has(v3)) found.set(v3, 'uniswap-v3-pool');
      }
    }
  }
  return found;
}

/** Every address the rules prove to hold code, sorted, each with the rules that prove it. */
export function deriveContracts(data: Export): ProvenContract[] {
  const proofs = new Map<string, Set<Proof>>();
  const prove = (address: string, proof: Proof) => {
    const a = lower(address);
    if (!proofs.has(a)) proofs.set(a, new Set());
    proofs.get(a)!.add(proof);
  };
  const logged = new Set(data.logs.map((l) => lower(l.transaction_hash)));
  for (const l of data.logs) prove(l.address, 'log');
  for (const t of data.transactions) {
    if (t.receipt_status !== 1) continue;
    if (t.to_address !== null && logged.has(lower(t.hash))) prove(t.to_address, 'called');
    if (t.to_address === null && t.receipt_contract_address !== null) prove(t.receipt_contract_address, 'created');
  }
  const sender = new Map(data.transactions.map((t) => [lower(t.hash), lower(t.from_address)]));
  for (const l of data.logs) {
    const [topic, who] = l.topics.map(lower);
    if (lower(l.address) !== WETH9 || topic === undefined || !WETH9_CALLER_EVENTS.has(topic) || who === undefined) continue;
    const caller = `0x${who.slice(-40)}`;
    if (caller !== sender.get(lower(l.transaction_hash))) prove(caller, 'weth-caller');
  }
  const senders = new Set(data.transfers.map((t) => lower(t.from_address)));
  // Children of proven contracts, to a fixed point (a child may create in turn).
  let parents = [...proofs.keys()];
  while (parents.length > 0) {
    const children: string[] = [];
    for (const parent of parents) {
      for (let nonce = 1; nonce <= 127; nonce++) {
        const child = createAddress(parent, nonce);
        if (senders.has(child) && !proofs.has(child)) children.push(child);
      }
    }
    for (const c of children) prove(c, 'create-child');
    parents = children;
  }
  const seen = new Set(data.transfers.flatMap((t) => [lower(t.from_address), lower(t.to_address)]));
  for (const [pool, proof] of uniswapPools(
    data.transfers.map((t) => t.token_address),
    seen,
  ))
    prove(pool, proof);
  return [...proofs].sort(([a], [b]) => (a < b ? -1 : 1)).map(([address, by]) => ({ address, proven_by: [...by].sort() }));
}

/** The table as the vendored file holds it: one JSON object per line, ethereum-etl's `address` column first. */
export function contractsFileText(rows: readonly ProvenContract[]): string {
  return `${rows.map((r) => JSON.stringify({ address: r.address, proven_by: r.proven_by })).join('\n')}\n`;
}
