/**
 * What a compiled policy answers: its result sets and the entrypoint that returns them all.
 * Apart from compile.ts, so that the policy sandbox's worker, which evaluates but never
 * compiles, does not load the compiler's cache, OPA process and settings modules.
 */

/** The result sets, as the Conftest convention names them (`deny`, `warn`) plus `info`. */
export const RESULT_SETS = ['deny', 'warn', 'info'] as const;
export type ResultSet = (typeof RESULT_SETS)[number];
/** The module's one entrypoint: all three result sets in one document, one evaluation per input. */
export const RESULTS_ENTRYPOINT = 'portcullis/main/results';
