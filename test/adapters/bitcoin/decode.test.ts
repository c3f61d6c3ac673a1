import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bitcoinLib } from '../../../src/core/bitcoin-network.js';
import { decodeBlock, isFramed, splitFramedBlocks } from '../../../src/adapters/bitcoin/block.js';
import { decodeTransactionHex } from '../../../src/adapters/bitcoin/decode.js';
import { isScriptId, scriptAddress, scriptId } from '../../../src/adapters/bitcoin/script.js';
import { BITCOIN_REFERENCE, REAL_BLOCKS, loadEarlyRawBlocks } from '../../support/esplora-server.js';

const bitcoin = bitcoinLib();

const TIMEOUT = 60_000;

const sha256d = (data: Buffer) => createHash('sha256').update(createHash('sha256').update(data).digest()).digest();

/** The merkle root of txids as written (big-endian hex), computed here without bitcoinjs-lib. */
function merkleRoot(txids: string[]): string {
  let level: Buffer[] = txids.map((id) => Buffer.from(id, 'hex').reverse());
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(sha256d(Buffer.concat([level[i]!, level[i + 1] ?? level[i]!])));
    level = next;
  }
  return Buffer.from(level[0]!).reverse().toString('hex');
}

function rawBlock(height: keyof typeof REAL_BLOCKS): Uint8Array {
  return readFileSync(BITCOIN_REFERENCE + REAL_BLOCKS[height].file);
}

describe('real block decoding', () => {
  for (const [height, expected] of [
    [413567, { txs: 1557, segwit: 0 }],
    [540107, { txs: 230, segwit: 104 }],
    [574200, { txs: 3315, segwit: 1341 }],
  ] as const) {
    it(`decodes block ${height}: every transaction hashes back to its txid and to the header's merkle root`, { timeout: TIMEOUT }, () => {
      const raw = rawBlock(height);
      expect(isFramed(raw)).toBe(false);
      const block = decodeBlock(raw, 'bitcoin');
      expect(block.hash).toBe(REAL_BLOCKS[height].hash);
      expect(block.transactions).toHaveLength(expected.txs);
      expect(block.transactions.filter((t) => t.segwit)).toHaveLength(expected.segwit);
      expect(block.merkleValid).toBe(true);
      // Our txids, hashed up independently, give the merkle root in the header (bytes 36..68).
      expect(merkleRoot(block.transactions.map((t) => t.txid))).toBe(Buffer.from(raw.subarray(36, 68)).reverse().toString('hex'));
      // Independently: bitcoinjs-lib's own parse, re-serialized and re-decoded, gives the same ids.
      const parsed = bitcoin.Block.fromBuffer(raw);
      expect(parsed.checkTxRoots()).toBe(true);
      parsed.transactions!.forEach((tx, i) => {
        const again = decodeTransactionHex(tx.toHex(), 'bitcoin');
        expect(again.txid).toBe(block.transactions[i]!.txid);
        expect(again.txid).toBe(tx.getId());
      });
      expect(block.transactions[0]!.coinbase).toBe(true);
      expect(block.transactions.slice(1).every((t) => !t.coinbase && t.inputs.length > 0)).toBe(true);
    });
  }

  it('derives an address for every standard output, identical to bitcoinjs-lib and reversible to the script', { timeout: TIMEOUT }, () => {
    let standard = 0;
    let other = 0;
    for (const height of [413567, 540107, 574200] as const) {
      for (const tx of decodeBlock(rawBlock(height), 'bitcoin').transactions) {
        for (const o of tx.outputs) {
          const script = Buffer.from(o.script, 'hex');
          if (['p2pkh', 'p2sh', 'p2wpkh', 'p2wsh', 'p2tr'].includes(o.type)) {
            standard++;
            expect(o.address).toBe(bitcoin.address.fromOutputScript(script, bitcoin.networks.bitcoin));
            expect(Buffer.from(bitcoin.address.toOutputScript(o.address, bitcoin.networks.bitcoin)).toString('hex')).toBe(o.script);
          } else {
            other++;
            expect(isScriptId(o.address)).toBe(true);
            expect(o.address).toBe(scriptId(script));
            expect(() => bitcoin.address.fromOutputScript(script, bitcoin.networks.bitcoin)).toThrow();
          }
        }
      }
    }
    expect(standard).toBeGreaterThan(10_000);
    expect(other).toBeGreaterThan(1_000); // OP_RETURN, bare P2PK and one non-standard script
  });

  it('reads the framed, bzip2-compressed blocks 1–255 and finds Satoshi-to-Hal (block 170) spending the block 9 coinbase', { timeout: TIMEOUT }, () => {
    const raws = loadEarlyRawBlocks();
    expect(raws).toHaveLength(255);
    const blocks = raws.map((raw) => decodeBlock(raw, 'bitcoin'));
    expect(blocks.every((b) => b.merkleValid)).toBe(true);
    // Each block links to the one before it.
    for (let i = 1; i < blocks.length; i++) expect(blocks[i]!.prevHash).toBe(blocks[i - 1]!.hash);
    expect(blocks[0]!.prevHash).toBe('000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f'); // genesis
    const block170 = blocks[169]!;
    const hal = block170.transactions.find((t) => t.txid === 'f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16')!;
    expect(hal.inputs).toEqual([{ prevTx: '0437cd7f8525ceed2324359c2d0ba26006d92d856a9c20fa0241106ee5a597c9', vout: 0, sequence: 0xffffffff }]);
    expect(hal.outputs.map((o) => [o.value, o.type])).toEqual([
      [1_000_000_000n, 'p2pk'],
      [4_000_000_000n, 'p2pk'],
    ]);
    expect(blocks[8]!.transactions[0]!.txid).toBe('0437cd7f8525ceed2324359c2d0ba26006d92d856a9c20fa0241106ee5a597c9');
  });
});

describe('script ids', () => {
  it('gives a bare P2PK script the same id every time and no address', () => {
    const pubkey = Buffer.from(
      '0411db93e1dcdb8a016b49840f8c53bc1eb68a382e97b1482ecad7b148a6909a5cb2e0eaddfb84ccf9744464f82e160bfa9b8b64f9d4c03f999b8643f656b412a3',
      'hex',
    );
    const script = bitcoin.script.compile([pubkey, bitcoin.opcodes.OP_CHECKSIG]);
    const a = scriptAddress(script, 'bitcoin');
    expect(a.type).toBe('p2pk');
    expect(a.address).toMatch(/^script:[0-9a-f]{40}$/);
    expect(scriptAddress(Uint8Array.from(script), 'bitcoin').address).toBe(a.address);
    // SHA-256 of the script bytes, first 40 hex digits.
    expect(a.address).toBe(`script:${createHash('sha256').update(script).digest('hex').slice(0, 40)}`);
  });

  it('classifies bare multisig and renders testnet addresses for testnet', () => {
    const keys = [2, 3].map((b) => Buffer.concat([Buffer.from([b]), Buffer.alloc(32, 7)]));
    const multisig = bitcoin.script.compile([bitcoin.opcodes.OP_1, ...keys, bitcoin.opcodes.OP_2, bitcoin.opcodes.OP_CHECKMULTISIG]);
    expect(scriptAddress(multisig, 'bitcoin').type).toBe('multisig');
    const p2wpkh = bitcoin.address.toOutputScript('bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', bitcoin.networks.bitcoin);
    expect(scriptAddress(p2wpkh, 'bitcoin-testnet').address).toMatch(/^tb1q/);
    expect(scriptAddress(p2wpkh, 'bitcoin-regtest').address).toMatch(/^bcrt1q/);
  });

  it('refuses bytes that are not a block or a transaction with a typed error', () => {
    expect(() => decodeTransactionHex('00', 'bitcoin')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => decodeBlock(new Uint8Array(10), 'bitcoin')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => splitFramedBlocks(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]))).toThrow(/magic/);
  });
});
