import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import type { ServerResponse } from 'node:http';
import { bitcoinLib, bitcoinNetwork } from '../../src/core/bitcoin-network.js';
import { decodeBlock, splitFramedBlocks } from '../../src/adapters/bitcoin/block.js';
import type { DecodedTransaction } from '../../src/adapters/bitcoin/decode.js';
import { startTestServer, sendJson, type TestServer } from './http-test-server.js';
import { referencePath } from './reference.js';

const bitcoin = bitcoinLib();

/** The vendored real Bitcoin blocks: fixtures/reference/bitcoin/ (with their licences). */
export const BITCOIN_REFERENCE = `${referencePath('bitcoin')}/`;

export const REAL_BLOCKS = {
  413567: { file: 'block413567.raw', hash: '0000000000000000025aff8be8a55df8f89c77296db6198f272d6577325d4069' },
  540107: {
    file: 'block-00000000000000000021868c2cefc52a480d173c849412fe81c4e5ab806f94ab.blk',
    hash: '00000000000000000021868c2cefc52a480d173c849412fe81c4e5ab806f94ab',
  },
  574200: {
    file: 'block-0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2.blk',
    hash: '0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2',
  },
} as const;

export interface ServedBlock {
  height: number;
  hash: string;
  time: number;
  transactions: DecodedTransaction[];
}

/** Reads and decodes a real block file (raw serialization, no framing). */
export function loadRealBlock(height: keyof typeof REAL_BLOCKS): ServedBlock {
  const block = decodeBlock(readFileSync(BITCOIN_REFERENCE + REAL_BLOCKS[height].file), 'bitcoin');
  return { height, hash: block.hash, time: block.time, transactions: block.transactions };
}

/** Raw blocks 1–255 (framed with magic + length, bzip2-compressed), decompressed with the system bzip2. */
export function loadEarlyRawBlocks(): Uint8Array[] {
  const raw = execFileSync('bzip2', ['-dc', `${BITCOIN_REFERENCE}blocks1-256.bz2`], { maxBuffer: 1 << 26 });
  return splitFramedBlocks(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength));
}

export function loadEarlyBlocks(): ServedBlock[] {
  return loadEarlyRawBlocks().map((raw, i) => {
    const block = decodeBlock(raw, 'bitcoin');
    return { height: i + 1, hash: block.hash, time: block.time, transactions: block.transactions };
  });
}

interface Entry {
  tx: DecodedTransaction;
  block: ServedBlock;
  position: number;
}

/** An in-memory Esplora index over the served blocks: transactions, spenders and address histories. */
export class EsploraIndex {
  readonly txs = new Map<string, Entry>();
  readonly spenders = new Map<string, { txid: string; vin: number }>();
  /** Address -> txids, oldest first. */
  readonly history = new Map<string, string[]>();
  tip = 0;

  constructor(
    readonly chain: string,
    blocks: ServedBlock[],
  ) {
    const ordered = [...blocks].sort((a, b) => a.height - b.height);
    for (const block of ordered) {
      this.tip = Math.max(this.tip, block.height);
      block.transactions.forEach((tx, position) => this.txs.set(tx.txid, { tx, block, position }));
    }
    for (const block of ordered) {
      for (const tx of block.transactions) {
        const touched = new Set<string>();
        tx.inputs.forEach((input, vin) => {
          this.spenders.set(`${input.prevTx}:${input.vout}`, { txid: tx.txid, vin });
          const prev = this.prevout(input.prevTx, input.vout);
          if (prev) touched.add(prev.address);
        });
        for (const output of tx.outputs) touched.add(output.address);
        for (const address of touched) {
          const list = this.history.get(address);
          if (list) list.push(tx.txid);
          else this.history.set(address, [tx.txid]);
        }
      }
    }
  }

  prevout(txid: string, vout: number) {
    return this.txs.get(txid)?.tx.outputs[vout];
  }

  /** The transaction as Esplora's GET /tx/:txid renders it; prevouts outside the served blocks are null. */
  esploraTx(txid: string): unknown {
    const entry = this.txs.get(txid)!;
    const { tx, block } = entry;
    const out = (o: DecodedTransaction['outputs'][number]) => ({
      scriptpubkey: o.script,
      scriptpubkey_type: o.type,
      ...(o.address.startsWith('script:') ? {} : { scriptpubkey_address: o.address }),
      value: Number(o.value),
    });
    const vin = tx.coinbase
      ? [{ txid: '0'.repeat(64), vout: 0xffffffff, prevout: null, is_coinbase: true, sequence: 0xffffffff }]
      : tx.inputs.map((input) => {
          const prev = this.prevout(input.prevTx, input.vout);
          return { txid: input.prevTx, vout: input.vout, prevout: prev ? out(prev) : null, is_coinbase: false, sequence: input.sequence };
        });
    const resolved = !tx.coinbase && tx.inputs.every((i) => this.prevout(i.prevTx, i.vout));
    const inSum = tx.inputs.reduce((s, i) => s + (this.prevout(i.prevTx, i.vout)?.value ?? 0n), 0n);
    const outSum = tx.outputs.reduce((s, o) => s + o.value, 0n);
    return {
      txid,
      version: 1,
      locktime: 0,
      vin,
      vout: tx.outputs.map(out),
      ...(resolved ? { fee: Number(inSum - outSum) } : tx.coinbase ? { fee: 0 } : {}),
      status: { confirmed: true, block_height: block.height, block_hash: block.hash, block_time: block.time },
    };
  }

  /** Address history newest first (height, then position in block, descending), as Esplora pages it. */
  newestFirst(address: string): string[] {
    const list = this.history.get(address) ?? [];
    return [...list].sort((a, b) => {
      const x = this.txs.get(a)!;
      const y = this.txs.get(b)!;
      return y.block.height - x.block.height || y.position - x.position;
    });
  }
}

export interface EsploraServer extends TestServer {
  index: EsploraIndex;
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(text);
}

/** A local Esplora-compatible REST server (127.0.0.1, port 0) answering from the index, plain-text errors included. */
export async function startEsploraServer(index: EsploraIndex): Promise<EsploraServer> {
  const network = bitcoinNetwork(index.chain);
  const server = await startTestServer((req, res) => {
    const parts = req.path.split('/').filter(Boolean);
    if (req.path === '/blocks/tip/height') return sendText(res, 200, String(index.tip));
    if (parts[0] === 'tx' && parts[1] !== undefined) {
      if (!/^[0-9a-f]{64}$/.test(parts[1])) return sendText(res, 400, 'Invalid hex string');
      const entry = index.txs.get(parts[1]);
      if (!entry) return sendText(res, 404, 'Transaction not found');
      if (parts.length === 2) return sendJson(res, 200, index.esploraTx(parts[1]));
      if (parts[2] === 'outspends') {
        return sendJson(
          res,
          200,
          entry.tx.outputs.map((_, vout) => {
            const s = index.spenders.get(`${parts[1]}:${vout}`);
            return s ? { spent: true, txid: s.txid, vin: s.vin, status: { confirmed: true } } : { spent: false };
          }),
        );
      }
    }
    if (parts[0] === 'address' && parts[1] !== undefined && parts[2] === 'txs' && parts[3] === 'chain') {
      try {
        bitcoin.address.toOutputScript(parts[1], network);
      } catch {
        return sendText(res, 400, 'Invalid Bitcoin address');
      }
      const all = index.newestFirst(parts[1]);
      const start = parts[4] ? all.indexOf(parts[4]) + 1 : 0;
      if (parts[4] && start === 0) return sendJson(res, 200, []);
      return sendJson(
        res,
        200,
        all.slice(start, start + 25).map((txid) => index.esploraTx(txid)),
      );
    }
    return sendText(res, 404, 'Not Found');
  });
  return { ...server, index };
}
