/** A readable message from anything thrown (Errors, Octokit errors, strings, wasm aborts). */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error !== null && typeof error === 'object' && 'message' in error) return String(error.message);
  return String(error);
}

/** A command used wrongly (an unknown option, a path outside the repository): exit 2 with the usage. */
export class UsageError extends Error {
  override name = 'UsageError';
}
