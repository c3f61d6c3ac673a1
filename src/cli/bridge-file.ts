import { readFileSync } from 'node:fs';
import { InvalidInputError } from '../core/errors.js';
import type { BridgeDefinitionInput } from '../core/schema.js';
import { resolveBridgeDefinitions } from '../heuristics/bridges.js';

/**
 * `--bridges FILE`: a JSON array of bridge definitions (or `{ "bridges": [...] }`), each
 * `{ chain, address, protocol, name?, destinationChain?, events?, fills?, reference? }` (BridgeDefinitionSchema).
 * Checked here so a wrong file fails before any request is made; errors name the file.
 */
export function readBridgeFile(file: string): BridgeDefinitionInput[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InvalidInputError(`Cannot read bridge definitions ${file}: ${(error as Error).message}`, { details: { file }, cause: error });
  }
  const list = Array.isArray(raw)
    ? raw
    : raw && typeof raw === 'object' && Array.isArray((raw as { bridges?: unknown }).bridges)
      ? (raw as { bridges: unknown[] }).bridges
      : undefined;
  if (!list) throw new InvalidInputError(`${file}: expected a JSON array of bridge definitions or { "bridges": [...] }`, { details: { file } });
  try {
    resolveBridgeDefinitions(list);
  } catch (error) {
    if (error instanceof InvalidInputError)
      throw new InvalidInputError(`${file}: ${error.shortMessage}`, { details: { ...error.details, file }, cause: error });
    throw error;
  }
  return list as BridgeDefinitionInput[];
}
