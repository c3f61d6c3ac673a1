import { describe, expect, it } from 'vitest';
import { etherscanCategory } from '../../../src/labels/formats/etherscan.js';
import { parseLabelCsv } from '../../../src/labels/formats/csv.js';

describe('service categories in explorer and project label files', () => {
  it('reads Etherscan label slugs of instant exchanges, gambling, payment and custody services', () => {
    expect(etherscanCategory(['instant-exchange'], 'FixedFloat')).toBe('instant-exchange');
    expect(etherscanCategory(['exchange', 'swap-service'], 'SideShift: Hot Wallet')).toBe('instant-exchange');
    expect(etherscanCategory(['exchange'], 'Binance 14')).toBe('exchange');
    expect(etherscanCategory(['gambling'], 'Stake.com')).toBe('gambling');
    expect(etherscanCategory(['payments'], 'Bitrefill')).toBe('payment');
    expect(etherscanCategory(['custody'], 'Anchorage')).toBe('custody');
    // A hacked casino is a scam label; a swap (DEX) is defi, not an instant exchange; a wallet stays a service.
    expect(etherscanCategory(['gambling', 'exploit'], 'Casino Exploiter')).toBe('scam');
    expect(etherscanCategory(['dex', 'swap'], 'Uniswap')).toBe('defi');
    expect(etherscanCategory(['wallet'], 'Some Wallet')).toBe('service');
  });

  it('takes the new category names in the project CSV', () => {
    const rows = ['instant-exchange', 'payment', 'gambling', 'custody'].map(
      (c, i) => `ethereum,0x${String(i + 1).padStart(40, '0')},Entity ${i},${c},SC,0.9,test`,
    );
    const r = parseLabelCsv(['chain,address,entity,category,jurisdiction,confidence,source', ...rows].join('\n'), 'labels.csv');
    expect(r.map((l) => l.category)).toEqual(['instant-exchange', 'payment', 'gambling', 'custody']);
  });
});
