import { Command, CommanderError } from 'commander';
import { ChaintrailError, InvalidInputError, AdapterError, NotFoundError, TraceAbortedError, TraceIncompleteError } from '../core/errors.js';
import { registerCaseCommand } from './commands/case.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerLabelsCommand } from './commands/labels.js';
import { registerReportCommand } from './commands/report.js';
import { registerTraceCommand } from './commands/trace.js';
import { registerVerifyCommand } from './commands/verify.js';
import { EXIT, type CliIo } from './io.js';

/** The program: every command registered from its own file (commands/). */
function buildProgram(io: CliIo, setExit: (code: number) => void = () => {}): Command {
  const program = new Command('chaintrail')
    .description('Follow stolen funds across blockchains and report where they landed.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError();

  registerTraceCommand(program, io);
  registerDemoCommand(program, io);
  registerLabelsCommand(program, io);
  registerReportCommand(program, io);
  registerCaseCommand(program, io);
  registerVerifyCommand(program, io, setExit);
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
  const program = buildProgram(io, (c) => (code = c));
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
