/** npm's cmd-shim (v8) ships no types: the one function the tests call. Source: node_modules/cmd-shim/lib/index.js. */
declare module 'cmd-shim' {
  /** Writes `to` (sh), `to.cmd` and `to.ps1` running `from`, as npm does for a package's bin. */
  function cmdShim(from: string, to: string): Promise<void>;
  export default cmdShim;
}
