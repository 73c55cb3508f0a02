export declare function platformPath(platform: string): string;
export declare function electronDownloadUrl(
  version: string,
  platform: string,
  arch: string,
  env: Record<string, string | undefined>,
): string;
export declare function oneLine(err: unknown): string;
