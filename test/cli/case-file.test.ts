import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.js';
import { readCaseFile } from '../../src/cli/case-file.js';
import { DEMO_CASE } from '../support/demo-trace.js';

const dir = mkdtempSync(join(tmpdir(), 'chaintrail-case-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const demo = JSON.parse(readFileSync(DEMO_CASE, 'utf8')) as Record<string, unknown>;

/** Writes a variant of the demo case file and reads it back. */
function read(name: string, content: Record<string, unknown>) {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(content));
  return { file, read: () => readCaseFile(file) };
}

describe('case file', () => {
  it('resolves the dataset and label files against the folder of the case file', () => {
    const c = read('valid', demo).read();
    expect(c.dir).toBe(dir);
    expect(c.dataset).toBe(join(dir, demo.dataset as string));
    expect(c.labels).toEqual((demo.labels as string[]).map((l) => join(dir, l)));
    expect(c.seeds).toHaveLength((demo.seeds as unknown[]).length);
  });

  it.each([
    ['no seeds', { ...demo, seeds: [] }, 'seeds'],
    ['a seed without chain', { ...demo, seeds: [{ tx: (demo.seeds as { tx: string }[])[0]!.tx }] }, 'seeds.0'],
    ['a jurisdiction that is not a country code', { ...demo, jurisdiction: 'Germany' }, 'jurisdiction'],
    ['an unknown field', { ...demo, hops: 3 }, '(root)'],
    ['a dataset that is not a path', { ...demo, dataset: 7 }, 'dataset'],
  ])('refuses %s with one line naming the file and the field', (name, content, field) => {
    const { file, read: load } = read(name.replace(/\W+/g, '-'), content);
    const error = (() => {
      try {
        load();
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InvalidInputError);
    const e = error as InvalidInputError;
    expect(e.shortMessage.startsWith(`Invalid case file ${file}: ${field}`)).toBe(true);
    expect(e.shortMessage).not.toContain('\n');
    expect(e.details).toMatchObject({ file });
    expect((e.details.issues as unknown[]).length).toBeGreaterThan(0);
  });

  it('refuses a file that is not JSON, naming it', () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{ "reference": ');
    expect(() => readCaseFile(file)).toThrow(new RegExp(`^Cannot read case file ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
  });
});
