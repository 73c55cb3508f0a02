export declare const COMPILE_TOOLCHAIN: Record<'linux' | 'darwin' | 'win32', string>;
export declare function toolchainFor(platform: string): string;
export declare function prebuiltUrl(o: { sqliteVersion: string; abi: string; platform: string; arch: string }): string;
export declare function summariseLog(text: string): string;
