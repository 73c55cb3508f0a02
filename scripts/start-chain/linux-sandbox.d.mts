export declare const USERNS_SWITCHES: ReadonlyArray<readonly [string, string]>;
export interface SandboxFacts {
  platform: string;
  uid: number | undefined;
  switches: Record<string, string | undefined>;
  helper: { uid: number; mode: number } | null;
  helperPath: string;
}
export declare function sandboxDecision(facts: SandboxFacts): { noSandbox: boolean; reason?: string };
export declare function detectSandbox(electronExe: string): Promise<{ noSandbox: boolean; reason?: string }>;
