import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { graphSenseCategory, readActorPack, readTagPack } from '../../../src/labels/formats/graphsense.js';
import { referencePath } from '../../support/reference.js';

const ROOT = referencePath('labels/graphsense-tagpacks');
const ACTORS = join(ROOT, 'actors/graphsense.actorpack.yaml');

/** Addresses of the tags that carry `category: <name>` themselves, read from the pack text (not through the importer). */
function taggedAs(file: string, name: string): string[] {
  const out: string[] = [];
  let address: string | undefined;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const tag = /^- address: (\S+)/.exec(line);
    if (tag) address = tag[1];
    else if (/^\S/.test(line)) address = undefined;
    else if (address && line.trim() === `category: ${name}`) out.push(address);
  }
  return out.sort();
}

describe('GraphSense concepts of services an investigator can write to', () => {
  it('maps gambling and payment_processor to their own categories, tag before actor, sanctions first', () => {
    expect(graphSenseCategory({ category: 'gambling' }).category).toBe('gambling');
    expect(graphSenseCategory({ category: 'payment_processor' }).category).toBe('payment');
    expect(graphSenseCategory({ actorCategories: ['organization', 'payment_processor'] }).category).toBe('payment');
    // An actor that is an exchange and a payment processor is reported as the exchange (ACTOR_PRIORITY).
    expect(graphSenseCategory({ actorCategories: ['payment_processor', 'exchange'] }).category).toBe('exchange');
    expect(graphSenseCategory({ category: 'gambling', abuse: 'sanction' }).category).toBe('sanctioned');
    expect(graphSenseCategory({ category: 'wallet_service' }).category).toBe('service');
  });

  it('imports every gambling tag of the real packs as gambling, at the tagged address', () => {
    const actors = readActorPack(ACTORS);
    let total = 0;
    for (const f of ['hacks.yaml', 'walletexplorer.yaml']) {
      const file = join(ROOT, 'packs', f);
      const expected = taggedAs(file, 'gambling');
      const labels = readTagPack(file, { actors }).labels;
      const got = labels.filter((l) => l.category === 'gambling').map((l) => l.address);
      expect(got.sort(), f).toEqual(expected);
      total += expected.length;
    }
    expect(total).toBeGreaterThan(50);
  });

  it('gives the ActorPack payment processors the payment category when nothing more specific applies', () => {
    const text = readFileSync(ACTORS, 'utf8');
    const actors = readActorPack(ACTORS);
    // Actors whose categories name payment_processor, read from the text: id line, then its categories list.
    const blocks = text.split(/\n(?=- id: )/);
    const payment = blocks.filter((b) => /\n {2}categories:\n(?: {2}- .+\n)*? {2}- payment_processor\n/.test(`${b}\n`));
    expect(payment.length).toBeGreaterThan(5);
    for (const b of payment) {
      const id = /- id: (\S+)/.exec(b)![1]!;
      const cats = [...b.matchAll(/^ {2}- ([a-z_]+)$/gm)].map((m) => m[1]!);
      const actor = actors.actors.get(id);
      expect(actor, id).toBeDefined();
      const expected = cats.includes('exchange') ? 'exchange' : cats.some((c) => ['mixing_service', 'defi_bridge'].includes(c)) ? undefined : 'payment';
      if (expected) expect(graphSenseCategory({ actorCategories: cats }).category, id).toBe(expected);
    }
  });
});
