/** What every CLI command shares: exit codes and where it writes. Commands import this, never main.ts. */

/** Documented exit codes. */
export const EXIT = { ok: 0, failure: 1, invalidInput: 2, source: 3, notFound: 4, aborted: 130 } as const;

/**
 * Where the CLI writes (stdout: results; stderr: progress and errors), its environment and an AbortSignal; standard
 * input for commands that read a list from it (absent: nothing is piped in).
 */
export interface CliIo {
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}
