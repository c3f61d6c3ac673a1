import type { Command } from 'commander';
import { InvalidInputError } from '../../../core/errors.js';
import { formatAddress } from '../../../core/address.js';
import { formatUnits } from '../../../core/asset.js';
import type { CliIo } from '../../io.js';
import { caseSubcommand, csv, json, withStore } from './shared.js';

/** `chaintrail case show`: show a case: its payments and what its latest trace found. */
export function registerCaseShow(cases: Command, io: CliIo): void {
  caseSubcommand(cases, 'show')
    .description('Show a case: its payments and what its latest trace found')
    .argument('<reference>', 'case reference')
    .action(async (reference: string, opts) => {
      await withStore(opts, io, async (store) => {
        const c = await store.getCase(reference);
        if (!c) throw new InvalidInputError(`No case "${reference}" in ${store.location}`, { details: { reference } });
        const payments = await store.payments(reference);
        const latest = await store.latestTrace(reference);
        if (opts.format === 'json') {
          io.stdout.write(json({ case: c, payments, latestTrace: latest ? { id: latest.id, createdAt: latest.createdAt, report: latest.report } : null }));
        } else if (opts.format === 'csv') {
          io.stdout.write(
            csv(
              ['case_ref', 'victim_id', 'chain', 'tx_hash', 'log_index', 'address', 'symbol', 'token_address', 'amount_base', 'amount', 'time', 'source'],
              payments.map((p) => [
                p.caseReference,
                p.victim,
                p.chain,
                p.tx,
                p.logIndex,
                p.address ? formatAddress(p.chain, p.address) : '',
                p.asset.symbol,
                p.asset.contract,
                p.amount,
                formatUnits(BigInt(p.amount), p.asset.decimals),
                new Date(p.time * 1000).toISOString(),
                p.source,
              ]),
            ),
          );
        } else {
          const lines = [
            `case ${c.reference}${c.jurisdiction ? ` [${c.jurisdiction}]` : ''}${c.opened ? `, opened ${c.opened}` : ''}${c.notes ? `: ${c.notes}` : ''}`,
          ];
          lines.push(`${payments.length} payment(s) by ${new Set(payments.map((p) => p.victim)).size} victim(s):`);
          for (const p of payments) {
            lines.push(
              `  ${new Date(p.time * 1000).toISOString()} ${p.victim} ${formatUnits(BigInt(p.amount), p.asset.decimals)} ${p.asset.symbol} on ${p.chain} ${p.tx ?? `to ${p.address}`}`,
            );
          }
          if (latest) {
            const r = latest.report;
            lines.push(`latest trace #${latest.id} (${latest.createdAt})${r.complete ? '' : ' INCOMPLETE'}: ${r.endpoints.length} endpoint(s)`);
            for (const x of r.exchanges)
              lines.push(
                `  ${x.category ?? 'exchange'} ${x.entity} [${x.jurisdictions.join(';') || 'unknown'}]: ${x.totals.map((t) => `${t.amountDisplay} ${t.asset.symbol}`).join(' + ')}`,
              );
          } else lines.push('not traced yet (chaintrail case trace)');
          io.stdout.write(`${lines.join('\n')}\n`);
        }
      });
    });
}
