export { OPTIONS, OPTION_BY_NAME, resolveOptionName, type OptionSpec, type OptionScope } from './options.js';
export { NodeConfig, ConfigError, SECRET_MASK, type SetResult } from './node-config.js';
export { configFromArgs, settingsFromArgs, settingsFromConfigFile, type Setting } from './parse-args.js';
export { parseSize, parseBool } from './values.js';
