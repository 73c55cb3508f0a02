import { describe, expect, it } from 'vitest';
import { buildAgentEnv } from './agent-env';

/** A Windows parent environment as Node shows it there (mixed-case names), plus secrets. */
const WINDOWS_PARENT: NodeJS.ProcessEnv = {
  Path: 'C:\\Windows\\system32;C:\\Users\\dev\\AppData\\Roaming\\npm',
  SYSTEMROOT: 'C:\\Windows',
  windir: 'C:\\Windows',
  USERPROFILE: 'C:\\Users\\dev',
  APPDATA: 'C:\\Users\\dev\\AppData\\Roaming',
  LOCALAPPDATA: 'C:\\Users\\dev\\AppData\\Local',
  TEMP: 'C:\\Users\\dev\\AppData\\Local\\Temp',
  PATHEXT: '.COM;.EXE;.BAT;.CMD',
  TEAM_TOKEN: 'secret',
  GITHUB_TOKEN: 'ghp_secret',
};

describe('buildAgentEnv', () => {
  it('on Unix passes PATH, HOME and LANG only, then the declared env and the ids', () => {
    const env = buildAgentEnv({
      taskId: 't_1',
      sessionId: 's_1',
      declared: { FOO: 'bar' },
      parent: { PATH: '/usr/bin', HOME: '/home/dev', LANG: 'C.UTF-8', TEAM_TOKEN: 'secret', SystemRoot: 'x' },
      platform: 'linux',
    });
    expect(env).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/dev',
      LANG: 'C.UTF-8',
      FOO: 'bar',
      NIGHTSHIFT_TASK_ID: 't_1',
      NIGHTSHIFT_SESSION_ID: 's_1',
    });
  });

  it('on Windows adds the system variables a Node CLI needs (SystemRoot, USERPROFILE, APPDATA…), whatever their case', () => {
    const env = buildAgentEnv({ taskId: 't_1', sessionId: 's_1', parent: WINDOWS_PARENT, platform: 'win32' });
    expect(env).toMatchObject({
      PATH: WINDOWS_PARENT.Path,
      SystemRoot: 'C:\\Windows',
      windir: 'C:\\Windows',
      USERPROFILE: 'C:\\Users\\dev',
      APPDATA: 'C:\\Users\\dev\\AppData\\Roaming',
      LOCALAPPDATA: 'C:\\Users\\dev\\AppData\\Local',
      TEMP: 'C:\\Users\\dev\\AppData\\Local\\Temp',
      PATHEXT: '.COM;.EXE;.BAT;.CMD',
    });
    expect(Object.values(env)).not.toContain('secret');
    expect(Object.values(env)).not.toContain('ghp_secret');
  });

  it('lets the runtime config override an inherited variable', () => {
    const env = buildAgentEnv({
      taskId: 't',
      sessionId: 's',
      declared: { TEMP: 'D:\\scratch' },
      parent: WINDOWS_PARENT,
      platform: 'win32',
    });
    expect(env.TEMP).toBe('D:\\scratch');
  });
});
