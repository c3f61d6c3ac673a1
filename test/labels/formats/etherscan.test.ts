import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/core/errors.js';
import { etherscanCategory, etherscanEntity, parseEtherscanCsv, parseEtherscanJson } from '../../../src/labels/formats/etherscan.js';

describe('Etherscan-style labels', () => {
  it('reads the combined JSON ({address: {name, labels}}) with category and entity inferred, line per entry', () => {
    const text = JSON.stringify(
      {
        '0x28C6c06298d514Db089934071355E5743bf21d60': { name: 'Binance 14', labels: ['binance', 'exchange'] },
        '0x722122dF12D4e14e13Ac3b6895a86e84145b6967': { name: 'Tornado.Cash: Proxy', labels: ['tornado-cash'] },
        '0x1234': { name: 'Broken', labels: [] },
        '0x0000000000000000000000000000000000000001': { name: 7, labels: 'x' },
        '0x098B716B8Aaf21512996dC57EB0615e2383E2f96': { name: 'Ronin Bridge Exploiter', labels: ['heist', 'ofac-sanctioned'] },
      },
      null,
      2,
    );
    const r = parseEtherscanJson(text, 'combined.json');
    expect(r.summary.rows).toBe(5);
    expect(r.labels.map((l) => [l.address, l.entity, l.category])).toEqual([
      ['0x28c6c06298d514db089934071355e5743bf21d60', 'Binance', 'exchange'],
      ['0x722122df12d4e14e13ac3b6895a86e84145b6967', 'Tornado.Cash', 'mixer'],
      ['0x098b716b8aaf21512996dc57eb0615e2383e2f96', 'Ronin Bridge Exploiter', 'sanctioned'],
    ]);
    expect(r.labels[0]).toMatchObject({
      chain: 'ethereum',
      jurisdictions: [],
      confidence: 0.5,
      source: 'Etherscan labels combined.json:2 "Binance 14" [binance, exchange]',
    });
    const lineOf = (key: string) => text.split('\n').findIndex((l) => l.includes(`"${key}":`)) + 1;
    expect(r.lines).toEqual([
      lineOf('0x28C6c06298d514Db089934071355E5743bf21d60'),
      lineOf('0x722122dF12D4e14e13Ac3b6895a86e84145b6967'),
      lineOf('0x098B716B8Aaf21512996dC57EB0615e2383E2f96'),
    ]);
    expect(r.summary.skipped.map((s) => [s.line, s.code])).toEqual([
      [lineOf('0x1234'), 'invalid-address'],
      [lineOf('0x0000000000000000000000000000000000000001'), 'invalid-row'],
    ]);
  });

  it('reads a per-label file ({address: "Name Tag"}) and a CSV export, the file name being the label', () => {
    const json = parseEtherscanJson('{"0xf977814e90da44bfa03b6295a0616a897441acec": "Binance 8"}', 'data/exchange.json', { chain: 'bsc' });
    expect(json.labels[0]).toMatchObject({ chain: 'evm:56', entity: 'Binance', category: 'exchange' });
    const csv = parseEtherscanCsv(
      ',Address,Name Tag,Balance,Txn Count\n0,0xf977814e90da44bfa03b6295a0616a897441acec,Binance 8,"1,170,815.02 ETH",11332\n\n1,not-an-address,Binance 9,0 ETH,1\n2,0x0681d8db095565fe8a346fa0277bffde9c0edbbf,,0 ETH,1\n',
      'accounts/binance.csv',
    );
    expect(csv.labels).toEqual([
      {
        chain: 'ethereum',
        address: '0xf977814e90da44bfa03b6295a0616a897441acec',
        entity: 'Binance',
        category: 'other',
        jurisdictions: [],
        confidence: 0.5,
        source: 'Etherscan labels binance.csv:2 "Binance 8" [binance]',
      },
    ]);
    expect(csv.summary.skipped.map((s) => [s.line, s.code])).toEqual([
      [4, 'invalid-address'],
      [5, 'no-entity'],
    ]);
    expect(
      parseEtherscanCsv('Address,Name Tag\n0xf977814e90da44bfa03b6295a0616a897441acec,Binance 8\n', 'x.csv', { category: 'exchange', confidence: 0.9 })
        .labels[0],
    ).toMatchObject({ category: 'exchange', confidence: 0.9 });
  });

  it('names the file for a wrong header, wrong JSON shape or a non-EVM chain', () => {
    expect(() => parseEtherscanCsv('addr,name\n', 'h.csv')).toThrow(/h\.csv: line 1: header must have "Address" and "Name Tag"/);
    expect(() => parseEtherscanJson('[1,2]', 'a.json')).toThrow(InvalidInputError);
    expect(() => parseEtherscanJson('{}', 'a.json', { chain: 'tron' })).toThrow(/not an EVM chain/);
  });

  it('infers categories and entities by the documented rules', () => {
    expect(etherscanCategory(['exchange'], 'OKX 3')).toBe('exchange');
    expect(etherscanCategory([], 'OKX 3')).toBe('other');
    expect(etherscanCategory(['bridge'], 'Arbitrum: Bridge')).toBe('bridge');
    expect(etherscanCategory(['phish-hack'], 'Fake_Phishing123')).toBe('scam');
    expect(etherscanCategory(['uniswap', 'dex'], 'Uniswap V3: Router')).toBe('defi');
    expect(etherscanCategory(['exchange', 'ofac-sanctions-lists'], 'Garantex')).toBe('sanctioned');
    expect(etherscanEntity('Binance: Hot Wallet 20')).toBe('Binance');
    expect(etherscanEntity('Kraken 13')).toBe('Kraken');
    expect(etherscanEntity('1inch')).toBe('1inch');
  });
});
