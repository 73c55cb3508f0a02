/** The one-line summaries of prebuild-install's and node-gyp's real failure output (scripts/start-chain/electron-sqlite.mjs). */
import { describe, expect, it } from 'vitest';
import { prebuiltUrl, summariseLog, toolchainFor } from '../../scripts/start-chain/electron-sqlite.mjs';

// Recorded from this machine, offline (node-gyp 12.4.0, prebuild-install 7.1.3).
const PREBUILD_OFFLINE = `$ node prebuild-install/bin.js --runtime=electron --target=45.4.1
prebuild-install info begin Prebuild-install version 7.1.3
prebuild-install warn install getaddrinfo ENOTFOUND github.com
`;
const NODE_GYP_OFFLINE = `gyp info it worked if it ends with ok
gyp http GET https://electronjs.org/headers/v45.4.1/node-v45.4.1-headers.tar.gz
gyp WARN install got an error, rolling back install
gyp ERR! configure error
gyp ERR! stack Error: This is most likely not a problem with node-gyp or the package itself and
gyp ERR! not ok
`;
// Shaped like node-gyp's output without a compiler (not recorded: this machine has one).
const NODE_GYP_NO_COMPILER = `gyp info spawn make
make: g++: No such file or directory
gyp ERR! build error
gyp ERR! stack Error: \`make\` failed with exit code: 2
gyp ERR! not ok
`;

describe('summariseLog', () => {
  it('names the prebuilt download failure', () => {
    expect(summariseLog(PREBUILD_OFFLINE)).toBe('prebuild-install warn install getaddrinfo ENOTFOUND github.com');
  });
  it('names the header URL node-gyp could not fetch', () => {
    expect(summariseLog(NODE_GYP_OFFLINE)).toBe(
      'could not fetch https://electronjs.org/headers/v45.4.1/node-v45.4.1-headers.tar.gz',
    );
  });
  it('falls back to node-gyp first error line', () => {
    expect(summariseLog(NODE_GYP_NO_COMPILER)).toBe('gyp ERR! build error');
  });
});

describe('the compile fallback toolchain and prebuilt URL', () => {
  it('names a toolchain per OS', () => {
    expect(toolchainFor('linux')).toContain('g++');
    expect(toolchainFor('darwin')).toContain('xcode-select --install');
    expect(toolchainFor('win32')).toContain('Visual Studio Build Tools');
  });
  it('asks for the Electron ABI build', () => {
    expect(prebuiltUrl({ sqliteVersion: '12.11.1', abi: '150', platform: 'darwin', arch: 'arm64' })).toBe(
      'https://github.com/WiseLibs/better-sqlite3/releases/download/v12.11.1/better-sqlite3-v12.11.1-electron-v150-darwin-arm64.tar.gz',
    );
  });
});
