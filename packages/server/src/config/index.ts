export { OPTIONS, OPTION_BY_NAME, OPTION_NAMES, optionNamed, resolveOptionName, type OptionSpec, type OptionScope, type OptionEffect, type OptionType, type NumericType } from './options.js';
export { NodeConfig, ConfigError, SECRET_MASK, type SetResult } from './node-config.js';
export { configFromArgs, settingsFromArgs, settingsFromConfigFile, type Setting } from './parse-args.js';
export { parseSize, parseBool, normalizeValue, type ValueResult } from './values.js';
