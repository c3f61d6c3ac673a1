import { Interface, type InterfaceAbi } from 'ethers';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Reading a test chain without loading ganache: the compiled contracts (test/contracts/artifacts.json, compiled once
 * by test/contracts/compile.ts) and a JSON-RPC client for a chain another process serves (a shared world).
 */
const here = dirname(fileURLToPath(import.meta.url));
export const artifacts = JSON.parse(readFileSync(join(here, '../contracts/artifacts.json'), 'utf8')) as {
  contracts: Record<string, { abi: InterfaceAbi; bytecode: string }>;
};

export interface Deployed {
  address: string;
  iface: Interface;
  /** The artifact's name. */
  contract: string;
}

/** A contract already on a chain, by artifact name and address. */
export function deployedAt(contract: string, address: string): Deployed {
  const artifact = artifacts.contracts[contract];
  if (!artifact) throw new Error(`no artifact ${contract}`);
  return { address, iface: new Interface(artifact.abi), contract };
}

/** What a test reads from a chain: a shared world's chains are this (no signing, no close). */
export interface ChainClient {
  url: string;
  chain: string;
  chainId: number;
  request(method: string, params?: unknown[]): Promise<unknown>;
  blockTime(block: number): Promise<number>;
  head(): Promise<number>;
}

export function reader(url: string, chainId: number, request: ChainClient['request']): ChainClient {
  return {
    url,
    chain: `evm:${chainId}`,
    chainId,
    request,
    async blockTime(block: number) {
      const header = (await request('eth_getBlockByNumber', [`0x${block.toString(16)}`, false])) as { timestamp: string };
      return Number(header.timestamp);
    },
    head: async () => Number((await request('eth_blockNumber')) as string),
  };
}

/** A chain served at `url` (JSON-RPC over HTTP on 127.0.0.1), read from this process. */
export function connectChain(url: string, chainId: number): ChainClient {
  let id = 0;
  return reader(url, chainId, async (method, params = []) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params }),
    });
    const body = (await response.json()) as { result?: unknown; error?: { message: string } };
    if (body.error) throw new Error(`${method}: ${body.error.message}`);
    return body.result;
  });
}
