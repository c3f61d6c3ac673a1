import { PassThrough, Readable } from 'node:stream';
import { runCli } from '../../src/cli/main.js';

/** Runs the CLI in-process with captured output; `stdin`, when given, is piped in (not a terminal). */
export async function cli(args: string[], env: NodeJS.ProcessEnv = {}, stdin?: string) {
  const stdout = new PassThrough();
  const stderr = new PassThrough() as unknown as NodeJS.WriteStream;
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  (stderr as unknown as PassThrough).on('data', (c: Buffer) => (err += c));
  const input = stdin === undefined ? {} : { stdin: Object.assign(Readable.from([Buffer.from(stdin)]), { isTTY: false }) };
  const code = await runCli(args, { ...input, stdout, stderr, env });
  return { code, stdout: out, stderr: err };
}
