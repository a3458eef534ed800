export { Store, type ExecContext, type StoreOptions } from './store.js';
export { commandKeys, arityOk, type CommandSpec, type CommandFlag, type StoreCommand, type CommandContext } from './command-spec.js';
export { globMatch } from './glob.js';
export { parseInt64, parseSafeInt, parseFloatStrict } from './numbers.js';
export { seededRandom } from './prng.js';
