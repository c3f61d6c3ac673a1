// `chaintrail/cli`: the `chaintrail` command as a function (embeddable, never calls process.exit) and the case-file
// reader the demo and examples use. Re-exports only.
export { runCli } from './cli/main.js';
export { EXIT, type CliIo } from './cli/io.js';
export { readCaseFile, CaseFileSchema, type CaseFile } from './cli/case-file.js';
