import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { casePackets, consolidatedPacketFiles, type ConsolidatedPacket } from '../../../cases/packets.js';
import type { CliIo } from '../../io.js';
import { caseSubcommand, csv, emit, json, withStore } from './shared.js';

/** What `case packets` prints: the packets as JSON, one CSV row per case share of an address, or a line per recipient. */
function packetsListing(packets: readonly ConsolidatedPacket[], format: string, outDir: string | undefined): string {
  if (format === 'json') return json(packets);
  if (format === 'csv') {
    return csv(
      [
        'type',
        'recipient',
        'case_ref',
        'chain',
        'address',
        'amount_base',
        'amount',
        'symbol',
        'traced_base',
        'address_requested_base',
        'address_received_base',
        'first_seen',
        'last_seen',
        'incoming_txs',
        'outgoing_txs',
        'victim_payments',
      ],
      packets.flatMap((p) =>
        p.addresses.flatMap((a) =>
          a.shares.map((s) => [
            p.type,
            p.recipient.entity,
            s.reference,
            a.chain,
            a.address,
            s.amount,
            s.amountDisplay,
            a.asset.symbol,
            s.traced.amount,
            a.amount,
            a.received?.amount ?? '',
            a.firstSeen,
            a.lastSeen,
            a.incoming.map((m) => m.tx).join(' '),
            a.outgoing.map((m) => m.tx).join(' '),
            s.victims.map((v) => `${v.tx}:${v.amount}`).join(' '),
          ]),
        ),
      ),
    );
  }
  if (packets.length === 0) return 'No exchange or freezable balance reached by the traced cases.\n';
  return (
    packets
      .map(
        (p) =>
          `${p.type} ${p.recipient.entity}: ${p.caseCount} case(s), ${p.addresses.length} address(es), ${p.totals.map((t) => `${t.amountDisplay} ${t.asset.symbol}`).join(' + ')}\n`,
      )
      .join('') + (outDir ? `files written to ${outDir}\n` : '')
  );
}

/** `chaintrail case packets`: one consolidated request per exchange and per stablecoin issuer, covering every case that reached it. */
export function registerCasePackets(cases: Command, io: CliIo): void {
  caseSubcommand(cases, 'packets')
    .description('One consolidated request per exchange (and per stablecoin issuer) covering every case that reached it')
    .option('--out-dir <dir>', 'write Markdown and JSON files per recipient into this folder')
    .option('--entity <name>', 'only this recipient')
    .option('--out <file>', 'write the listing to a file instead of stdout')
    .action(async (opts) => {
      await withStore(opts, io, async (store) => {
        const packets = await casePackets(store, { ...(opts.entity ? { entity: opts.entity } : {}), ...(io.signal ? { signal: io.signal } : {}) });
        if (opts.outDir) {
          mkdirSync(opts.outDir, { recursive: true });
          for (const f of consolidatedPacketFiles(packets)) writeFileSync(join(opts.outDir, f.name), f.content);
        }
        emit(io, opts.out, packetsListing(packets, opts.format, opts.outDir));
      });
    });
}
