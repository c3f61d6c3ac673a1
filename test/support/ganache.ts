import { Interface, keccak256, toUtf8Bytes, Wallet } from 'ethers';
import { artifacts, reader, type Deployed } from './chain-client.js';

export { connectChain, deployedAt, type ChainClient, type Deployed } from './chain-client.js';

/**
 * A real in-process Ethereum node for tests: ganache 7 on 127.0.0.1 (free port), chain id 1337, named actors
 * with deterministic keys, and block n stamped at start + n * blockSeconds so times are reproducible.
 */
export const CHAIN_ID = 1337;
export const CHAIN = 'evm:1337';

export interface Receipt {
  transactionHash: string;
  blockNumber: string;
  transactionIndex: string;
  gasUsed: string;
  effectiveGasPrice: string;
  status: string;
  contractAddress: string | null;
  logs: { logIndex: string; address: string }[];
}

export interface LocalChainOptions {
  /** Actors funded with `balanceEth` each. */
  actors: string[];
  balanceEth?: bigint;
  start?: Date;
  blockSeconds?: number;
  /** EIP-155 chain id (default 1337); two chains in one test need two ids. */
  chainId?: number;
}

export type LocalChain = Awaited<ReturnType<typeof startLocalChain>>;

export function actorKey(name: string): string {
  return keccak256(toUtf8Bytes(`chaintrail-test:${name}`));
}

/** The lower-case address of a named actor (funded or not). */
export function actor(name: string): string {
  return new Wallet(actorKey(name)).address.toLowerCase();
}

export async function startLocalChain(options: LocalChainOptions) {
  const balance = `0x${((options.balanceEth ?? 1_000n) * 10n ** 18n).toString(16)}`;
  const start = options.start ?? new Date('2026-01-01T00:00:00Z');
  const blockSeconds = options.blockSeconds ?? 60;
  const chainId = options.chainId ?? CHAIN_ID;
  // Loaded here, not at the top: files that only read a shared world import this module without loading ganache.
  const { default: ganache } = await import('ganache');
  const server = ganache.server({
    logging: { quiet: true },
    chain: { chainId, time: start },
    wallet: { accounts: options.actors.map((name) => ({ secretKey: actorKey(name), balance })) },
    miner: { timestampIncrement: blockSeconds, blockGasLimit: 30_000_000 },
  });
  await server.listen(0, '127.0.0.1');
  const address = server.address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  const provider = server.provider;
  const nonces = new Map<string, number>();
  const request = (method: string, params: unknown[] = []) => provider.request({ method, params } as never) as Promise<unknown>;
  const read = reader(url, chainId, request);

  async function send(from: string, tx: { to?: string; value?: bigint; data?: string; gasLimit?: bigint }): Promise<Receipt> {
    const wallet = new Wallet(actorKey(from));
    const nonce = nonces.get(from) ?? 0;
    nonces.set(from, nonce + 1);
    // A plain payment to an account without code costs exactly the intrinsic 21,000 gas on any EVM chain: no need to
    // ask ganache to estimate it (its estimate runs the transaction several times, 3/4 of the time of a payment).
    const plain = tx.gasLimit === undefined && tx.to !== undefined && !tx.data && (await request('eth_getCode', [tx.to, 'latest'])) === '0x';
    const gasLimit =
      tx.gasLimit ??
      (plain
        ? 21_000n
        : BigInt(
            (await request('eth_estimateGas', [
              { from: wallet.address, ...(tx.to ? { to: tx.to } : {}), value: `0x${(tx.value ?? 0n).toString(16)}`, data: tx.data ?? '0x' },
            ])) as string,
          ) + 10_000n);
    const raw = await wallet.signTransaction({
      type: 2,
      chainId,
      nonce,
      ...(tx.to ? { to: tx.to } : {}),
      value: tx.value ?? 0n,
      data: tx.data ?? '0x',
      gasLimit,
      maxFeePerGas: 20n * 10n ** 9n,
      maxPriorityFeePerGas: 10n ** 9n,
    });
    const hash = (await request('eth_sendRawTransaction', [raw])) as string;
    return (await request('eth_getTransactionReceipt', [hash])) as Receipt;
  }

  async function deploy(from: string, name: string, args: unknown[] = []): Promise<Deployed> {
    const artifact = artifacts.contracts[name];
    if (!artifact) throw new Error(`no artifact ${name}`);
    const iface = new Interface(artifact.abi);
    const data = artifact.bytecode + iface.encodeDeploy(args).slice(2);
    const receipt = await send(from, { data, gasLimit: 3_000_000n });
    if (!receipt.contractAddress) throw new Error(`deploying ${name} failed`);
    return { address: receipt.contractAddress.toLowerCase(), iface, contract: name };
  }

  /** Calls a contract function in a signed transaction. */
  function invoke(from: string, contract: Deployed, fn: string, args: unknown[], extra: { value?: bigint; gasLimit?: bigint } = {}): Promise<Receipt> {
    return send(from, { to: contract.address, data: contract.iface.encodeFunctionData(fn, args), ...extra });
  }

  return {
    ...read,
    send,
    deploy,
    invoke,
    close: () => server.close(),
  };
}
