/**
 * The direction of imports (docs/architecture.md, "Layers"), checked by
 * `npm run lint` (scripts/depcruise.mjs runs dependency-cruiser with these rules):
 *
 *   src-shared  ←  src-main/core  ←  src-main/api  ←  { src-main/shell, src-main/headless }
 *   src-shared  ←  src-renderer
 *
 * Tests beside the code (x.test.ts) may reach further (a renderer test starts
 * the real dashboard server); production files may not. No file-level cycles
 * anywhere.
 */
const TEST = '\\.test\\.tsx?$';
const SHARED = '^src-shared/';
const CORE = '^src-main/core/';
const API = '^src-main/api/';
const SHELL = ['^src-main/shell/', '^src-main/(index|preload|app-lifecycle\\.test)\\.ts$'];
const HEADLESS = '^src-main/headless/';
const RENDERER = '^src-renderer/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A file must not import itself back through others: move the shared part into its own file.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'shared-depends-on-zod-only',
      comment: 'src-shared crosses the process boundary (main, preload, renderer): it imports itself and zod, nothing else.',
      severity: 'error',
      from: { path: SHARED, pathNot: TEST },
      to: { pathNot: [SHARED, '(^|/)node_modules/zod/'] },
    },
    {
      name: 'core-below-api',
      comment: 'The core knows nothing of its drivers: not the contract handlers, the transports, the shells or the views.',
      severity: 'error',
      from: { path: CORE },
      to: { path: [API, HEADLESS, RENDERER, ...SHELL] },
    },
    {
      name: 'api-below-shells',
      comment: 'The contract layer (handlers, dispatch, control socket) serves both shells and depends on neither.',
      severity: 'error',
      from: { path: API },
      to: { path: [HEADLESS, RENDERER, ...SHELL] },
    },
    {
      name: 'headless-not-shell',
      comment: 'The CLI and its dashboard run without Electron: they must not load the Electron shell.',
      severity: 'error',
      from: { path: HEADLESS },
      to: { path: [RENDERER, ...SHELL] },
    },
    {
      name: 'shell-not-headless',
      comment: 'The two shells are siblings: what both need lives in api/ or core/.',
      severity: 'error',
      from: { path: SHELL, pathNot: TEST },
      to: { path: [HEADLESS, RENDERER] },
    },
    {
      name: 'renderer-imports-shared-only',
      comment:
        'The views reach the core through the contract (src-shared), never by importing src-main; tests may use the real core.',
      severity: 'error',
      from: { path: RENDERER, pathNot: [TEST] },
      to: { path: '^(src-main|test|bench|e2e)/' },
    },
    {
      name: 'electron-only-in-the-shell',
      comment: 'Only the Electron shell loads electron: src-main/core never does, nor api/, headless/, src-shared or the views.',
      severity: 'error',
      // test/ types its fake Electron against the real module's declarations.
      from: { pathNot: [...SHELL, '^test/', '^e2e/'] },
      to: { path: '(^|/)node_modules/electron/' },
    },
    {
      name: 'no-test-kit-in-production',
      comment: 'Fakes and fixtures live under test/support/; production code never imports them.',
      severity: 'error',
      from: { path: '^(src-main|src-shared|src-renderer)/', pathNot: TEST },
      to: { path: '^(test|bench|e2e)/' },
    },
    {
      name: 'resolvable',
      comment: 'An import the rules cannot resolve escapes them (e.g. a misspelled @shared/ path).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a layer that needs another's types depends on it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.tsx', '.mts', '.js', '.mjs', '.cjs', '.json'],
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'types', 'default'],
    },
  },
};
