import { Command, CommanderError } from 'commander';
import { ChaintrailError, InvalidInputError, AdapterError, NotFoundError, TraceAbortedError, TraceIncompleteError } from '../core/errors.js';
import { EXIT, type CliIo } from './io.js';

type Register = (program: Command, io: CliIo, setExit: (code: number) => void) => void;

/**
 * Each command's module, in help order, imported only when it runs: screening addresses with `labels lookup` should
 * not pay for loading the trace engine, the adapters and the case database.
 */
const COMMANDS: Readonly<Record<string, () => Promise<Register>>> = {
  trace: async () => (await import('./commands/trace.js')).registerTraceCommand,
  demo: async () => (await import('./commands/demo.js')).registerDemoCommand,
  labels: async () => (await import('./commands/labels.js')).registerLabelsCommand,
  report: async () => (await import('./commands/report.js')).registerReportCommand,
  case: async () => (await import('./commands/case.js')).registerCaseCommand,
  verify: async () => (await import('./commands/verify.js')).registerVerifyCommand,
};

/** The program with the command the arguments name, or every command (help, an unknown or missing command). */
async function buildProgram(argv: readonly string[], io: CliIo, setExit: (code: number) => void = () => {}): Promise<Command> {
  const program = new Command('chaintrail')
    .description('Follow stolen funds across blockchains and report where they landed.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError();
  const named = argv.find((a) => !a.startsWith('-'));
  const names = named !== undefined && Object.hasOwn(COMMANDS, named) ? [named] : Object.keys(COMMANDS);
  const registers = await Promise.all(names.map((name) => COMMANDS[name]!()));
  for (const register of registers) register(program, io, setExit);
  return program;
}

export function exitCodeFor(error: unknown): number {
  if (error instanceof TraceAbortedError) return EXIT.aborted;
  if (error instanceof InvalidInputError) return EXIT.invalidInput;
  if (error instanceof NotFoundError) return EXIT.notFound;
  if (error instanceof AdapterError || error instanceof TraceIncompleteError) return EXIT.source;
  return EXIT.failure;
}

/** Runs the CLI and returns the exit code; never calls process.exit (embeddable and testable). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = await buildProgram(argv, io, (c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0) return EXIT.ok;
      return EXIT.invalidInput;
    }
    if (error instanceof ChaintrailError) {
      io.stderr.write(`chaintrail: ${error.shortMessage} [${error.code}]\n`);
      return exitCodeFor(error);
    }
    io.stderr.write(`chaintrail: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT.failure;
  }
}
