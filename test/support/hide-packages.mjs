// Module hook for tests: packages named in CHAINTRAIL_HIDE_PACKAGES (comma-separated) resolve as Node resolves a
// package that is not installed (ERR_MODULE_NOT_FOUND), as on a user's machine without that optional package.
export async function resolve(specifier, context, next) {
  const hidden = (process.env.CHAINTRAIL_HIDE_PACKAGES ?? '').split(',').filter(Boolean);
  if (hidden.some((name) => specifier === name || specifier.startsWith(`${name}/`))) {
    const error = new Error(`Cannot find package '${specifier}' imported from ${context.parentURL}`);
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  return next(specifier, context);
}
