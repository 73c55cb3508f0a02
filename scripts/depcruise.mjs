/**
 * Runs dependency-cruiser (the import rules in .dependency-cruiser.cjs) with
 * the TypeScript 5 compiler API. The project compiles with TypeScript 7, whose
 * npm package has no JavaScript API; dependency-cruiser parses .ts/.tsx files
 * and reads tsconfig through that API (it supports typescript < 7). So, for
 * dependency-cruiser's own modules only, `typescript` resolves to
 * `typescript5` (npm:typescript@5, a dev dependency): through a resolve hook
 * for its `import()`s and through the CommonJS resolver for its `require`s.
 * Arguments are passed on: `node scripts/depcruise.mjs src-main`.
 */
import Module, { register } from 'node:module';

const CRUISER_DIR = '/node_modules/dependency-cruiser/';
const toTs5 = (specifier) => specifier.replace(/^typescript(?=$|\/)/, 'typescript5');

const hook = `export async function resolve(specifier, context, next) {
  if (/^typescript($|\\/)/.test(specifier) && context.parentURL?.includes(${JSON.stringify(CRUISER_DIR)})) {
    return next(specifier.replace(/^typescript/, 'typescript5'), context);
  }
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const fromCruiser = parent?.filename?.replaceAll('\\', '/').includes(CRUISER_DIR);
  return resolveFilename.call(this, fromCruiser ? toTs5(request) : request, parent, ...rest);
};

await import(new URL('../node_modules/dependency-cruiser/bin/dependency-cruise.mjs', import.meta.url).href);
