import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { linesInPieces } from '../core/pieces.js';
import type { TraceReport } from '../core/schema.js';
import { jsonChunks, writePiecesSync } from './json-stream.js';
import { packetFileNames, packetMarkdownLines, packetPlans } from './packets.js';

/**
 * The request packets of `report` written into `dir` (created if missing): each packet's Markdown and JSON file with
 * the bytes of packetFiles, written in pieces as its addresses are made, none held (a freeze request for a token held
 * at a million addresses is gigabytes). Returns the paths written, in packetFiles' order.
 */
export function writeRequestPacketFiles(report: TraceReport, dir: string): string[] {
  const plans = packetPlans(report);
  const names = packetFileNames(plans);
  mkdirSync(dir, { recursive: true });
  return plans.flatMap((plan, i) => {
    const markdown = join(dir, `${names[i]}.md`);
    const json = join(dir, `${names[i]}.json`);
    writePiecesSync(markdown, linesInPieces(packetMarkdownLines(plan)));
    writePiecesSync(json, jsonChunks(plan));
    return [markdown, json];
  });
}
