/**
 * Telling environment failures (the agent could not work: not logged in, no
 * network, CLI missing or broken, workspace not trusted) from task failures
 * (the agent ran and failed). The patterns are the CLIs' own words, recorded
 * from the real binaries offline (test/fixtures/samples/real/).
 */
import { stripVTControlCharacters } from 'node:util';
import type { EnvironmentCause } from './port';

const PATTERNS: ReadonlyArray<readonly [EnvironmentCause, RegExp]> = [
  // gemini 0.61: "Gemini CLI is not running in a trusted directory. To proceed, either use `--skip-trust`…"
  ['trust', /not running in a trusted directory|untrusted (?:folder|workspace|directory)/i],
  // claude: "Not logged in · Please run /login", error "authentication_failed", "Invalid API key";
  // gemini: "Please set an Auth method…"; codex: "401 Unauthorized", "Not signed in";
  // copilot: "Error: No authentication information found. … gh auth login".
  [
    'auth',
    /not logged in|please run \/login|authentication_failed|invalid (?:x-)?api[ -]key|api key (?:is )?(?:invalid|missing|not valid)|\b401\b|unauthori[sz]ed|set an auth method|no authentication information|not signed in|please (?:log|sign) ?in|(?:oauth )?token (?:has )?expired|credentials? (?:have |has )?expired/i,
  ],
  // codex: "Reconnecting... waiting for network", "failed to lookup address information";
  // gemini: "fetch failed sending request"; claude: api_retry without a status, "Connection error";
  // copilot with a token and no network: "Authentication token found but could not be validated."
  // (its next lines: "network fetch failed …", "Your token may still be valid. Check your network connection").
  [
    'network',
    /token found but could not be validated|waiting for network|failed to lookup address|name does not resolve|getaddrinfo|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|fetch failed|network (?:error|is unreachable)|connection (?:failed|refused|error|reset)|error sending request|unable to connect|no response \(network\)/i,
  ],
  // The CLI itself cannot run or rejects the arguments Nightshift passes (a version mismatch).
  [
    'cli',
    /could not start|command not found|cannot find module|unexpected argument|unknown (?:argument|option)|not enough arguments following|unrecognized (?:argument|option)/i,
  ],
];

/** The environment cause a message names, or null when it reads like a task failure. */
export function classifyEnvironment(message: string): EnvironmentCause | null {
  const text = stripAnsi(message);
  for (const [cause, pattern] of PATTERNS) if (pattern.test(text)) return cause;
  return null;
}

export function stripAnsi(text: string): string {
  return stripVTControlCharacters(text);
}

const ERROR_LINE = /\berror\b|\bfailed\b|\bcannot\b|\bcan't\b|\bnot\b|\binvalid\b|\bunexpected\b|\bunknown\b|\brefus|please /i;

/**
 * The line that says what went wrong: the first one that reads like an error
 * ("error: unexpected argument '--sandbox' found"), not the end of the usage
 * text a CLI prints after it; else the first non-empty line.
 */
export function firstErrorLine(lines: readonly string[]): string | null {
  const clean = lines.map((l) => stripAnsi(l).trim()).filter((l) => l !== '' && !isNoise(l));
  return clean.find((l) => ERROR_LINE.test(l)) ?? clean[0] ?? null;
}

/** Lines every run prints that never explain a failure. */
function isNoise(line: string): boolean {
  return /^WARNING: proceeding, even though we could not create PATH aliases|^Warning: 256-color support|^Ripgrep is not available|^at |^Approval mode overridden/.test(
    line,
  );
}
