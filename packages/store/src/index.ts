export { Store, EXPIRED_KEYS, type ExecContext, type StoreOptions, type StoreSnapshot, type SnapshotRecord } from './store.js';
export { Deque } from './deque.js';
export { ZSet } from './zskiplist.js';
export type { Value, ValueType, StringValue, ListValue, HashValue, SetValue, ZSetValue } from './value.js';
export { commandKeys, arityOk, type CommandSpec, type CommandFlag, type StoreCommand, type CommandContext } from './command-spec.js';
export { globMatch } from './glob.js';
export { parseInt64, parseSafeInt, parseFloatStrict } from './numbers.js';
export { seededRandom } from './prng.js';
export { blockedOn, parseBlockTimeout, type BlockSpec } from './t-blocking.js';
