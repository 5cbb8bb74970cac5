/**
 * One exit-code table for every command this package ships (hero-contract, hero-drift,
 * hero-webhooks, hero-mock, and any later one): a CI step can act on the code without knowing
 * which command ran. "Could not decide" (3) is never "passed" (0), and a set-up problem (2) is
 * never blamed on Hero (1).
 */
export const TOOL_EXIT = {
  /** Passed: every required contract case, no drift at or above `--fail-on`, the receiver answered 2xx, the mock stopped on a signal. */
  ok: 0,
  /** Findings: a contract case failed, a breaking change (or one at `--fail-on`), the receiver answered with a refusal. */
  findings: 1,
  /**
   * Nothing was run, fix the invocation or the set-up: an unknown option or bad value, a
   * command that would be unsafe (writes without `--allow-writes`), a missing optional peer
   * dependency, no tsconfig, a report file that cannot be written, a port already taken.
   */
  usage: 2,
  /**
   * No verdict: the command ran but could not decide. A spec that cannot be fetched or parsed,
   * or that `$ref`s a file or URL no `--allow-ref-dir` covers (nothing it names is read); a
   * target or receiver that cannot be reached; every case rate limited; an internal error.
   */
  noVerdict: 3,
  /** hero-drift `--update` only: the comparison ran, but the spec could not be written or the types regenerated. */
  updateFailed: 4,
} as const;

/** A code of {@link TOOL_EXIT}. */
export type ToolExitCode = (typeof TOOL_EXIT)[keyof typeof TOOL_EXIT];

/** The table as each command's `--help` prints it, with that command's meaning of each code. */
export function exitCodeHelp(meanings: Partial<Record<ToolExitCode, string>>): string {
  const lines = (Object.values(TOOL_EXIT) as ToolExitCode[])
    .filter((code) => meanings[code] !== undefined)
    .map((code) => `  ${code}  ${meanings[code]!.replace(/\n/g, '\n     ')}`);
  return `Exit codes (the same for every @hero-sdk/hero-health command):\n${lines.join('\n')}\n`;
}
