// Lua CJSON 2.1.0 as Redis ships it, the `cjson` table scripts get.
//
// Encoding: numbers print as C's "%.14g" (precision settable 1..14); NaN
// and Inf are errors unless encode_invalid_numbers allows them. A table is
// an array when every key is a positive integer, with holes encoded as null,
// unless it is "excessively sparse" (encode_sparse_array: largest key >
// ratio * count and > safe; default off/2/10, which raises); any other
// table, the empty one included, is an object. Keys that are numbers print
// as numbers in quotes; other key types raise. Strings are bytes: '"', '\',
// '/' and control characters are escaped (\b \t \n \f \r, else \u00XX, and
// DEL as \u007f), everything else passes through unchanged.
//
// Decoding: JSON null is cjson.null (a userdata standing in for C's NULL
// lightuserdata: equal to itself, encodes as null, prints "userdata: (nil)").
// Numbers are read by strtod, so with decode_invalid_numbers (default on)
// hex, inf, nan and a leading '+' are accepted too. \u escapes become UTF-8
// (surrogate pairs joined, lone ones rejected). Embedded NUL ends the text.
//
// Redis's build has no encode_empty_table_as_object (that is OpenResty's).
import { LuaStatus, LuaType, LuaVm, LUA_GLOBALSINDEX, LUA_REGISTRYINDEX, type LuaFunction } from '../lua-vm.js';
import { Aux, setStringFields, typeName } from './lauxlib.js';
import { ByteSink } from './byte-sink.js';
import { formatG, parsed, strtod } from './c-numbers.js';

const INT_MAX = 2147483647;
const INT_MIN = -2147483648;

const NULL_KEY = 'redisraft.cjson.null';
const NULL_SET_KEY = 'redisraft.cjson.nullset';

// cjson.null and a set holding it (the binding has no rawequal; a raw table
// lookup with the value as key answers "is this cjson.null?"). Its
// metatable is hidden so no script can change how it prints for the next.
const NULL_SOURCE = `local p = newproxy(true)
local mt = getmetatable(p)
mt.__tostring = function() return 'userdata: (nil)' end
mt.__metatable = false
return p, { [p] = true }`;

// ------------------------------------------------------------ tokens

const enum T { objBegin, objEnd, arrBegin, arrEnd, string, number, boolean, null, colon, comma, end, whitespace, error, unknown }

const TOKEN_NAMES = ['T_OBJ_BEGIN', 'T_OBJ_END', 'T_ARR_BEGIN', 'T_ARR_END', 'T_STRING', 'T_NUMBER', 'T_BOOLEAN',
  'T_NULL', 'T_COLON', 'T_COMMA', 'T_END', 'T_WHITESPACE', 'T_ERROR', 'T_UNKNOWN'];

const CH2TOKEN = new Uint8Array(256).fill(T.error);
CH2TOKEN[0x7b] = T.objBegin;
CH2TOKEN[0x7d] = T.objEnd;
CH2TOKEN[0x5b] = T.arrBegin;
CH2TOKEN[0x5d] = T.arrEnd;
CH2TOKEN[0x2c] = T.comma;
CH2TOKEN[0x3a] = T.colon;
CH2TOKEN[0] = T.end;
for (const c of ' \t\n\r') CH2TOKEN[c.charCodeAt(0)] = T.whitespace;
for (const c of 'fiIntN"+-0123456789') CH2TOKEN[c.charCodeAt(0)] = T.unknown;

/** Escaped characters to their values; 0 = not an escape; 'u' = \uXXXX. */
const ESCAPE2CHAR = new Uint8Array(256);
for (const [k, v] of [['"', '"'], ['\\', '\\'], ['/', '/'], ['b', '\b'], ['t', '\t'], ['n', '\n'], ['f', '\f'], ['r', '\r'], ['u', 'u']] as const) {
  ESCAPE2CHAR[k.charCodeAt(0)] = v.charCodeAt(0);
}

/** Bytes that encode escaped, and their escapes. */
const CHAR2ESCAPE: (Uint8Array | null)[] = new Array<Uint8Array | null>(256).fill(null);
for (let c = 0; c < 0x20; c++) CHAR2ESCAPE[c] = Buffer.from(`\\u${c.toString(16).padStart(4, '0')}`);
for (const [c, e] of [[8, '\\b'], [9, '\\t'], [10, '\\n'], [12, '\\f'], [13, '\\r'], [0x22, '\\"'], [0x2f, '\\/'], [0x5c, '\\\\'], [0x7f, '\\u007f']] as const) {
  CHAR2ESCAPE[c] = Buffer.from(e);
}

// ------------------------------------------------------------ options

interface Config {
  sparseConvert: number;
  sparseRatio: number;
  sparseSafe: number;
  encodeMaxDepth: number;
  decodeMaxDepth: number;
  encodeInvalidNumbers: number; // 0 off, 1 on, 2 "null"
  decodeInvalidNumbers: number;
  encodeKeepBuffer: number;
  encodeNumberPrecision: number;
}

const defaults = (): Config => ({
  sparseConvert: 0, sparseRatio: 2, sparseSafe: 10, encodeMaxDepth: 1000, decodeMaxDepth: 1000,
  encodeInvalidNumbers: 0, decodeInvalidNumbers: 1, encodeKeepBuffer: 1, encodeNumberPrecision: 14,
});

const BOOL_OPTIONS = ['off', 'on'];
const INVALID_NUMBER_OPTIONS = ['off', 'on', 'null'];

/** Opens `cjson` as a global. Needs `newproxy` and, for error positions, `debug`: open before a sandbox removes them. */
export function openCjson(vm: LuaVm): void {
  installNull(vm);
  pushModule(vm, Aux.of(vm));
  vm.setField(LUA_GLOBALSINDEX, 'cjson');
}

function installNull(vm: LuaVm): void {
  const top = vm.top;
  vm.getField(LUA_REGISTRYINDEX, NULL_KEY);
  const present = vm.type(-1) !== LuaType.nil;
  vm.setTop(top);
  if (present) return;
  if (vm.load(Buffer.from(NULL_SOURCE), '=cjson.null') !== LuaStatus.ok || vm.pcall(0, 2, 0) !== LuaStatus.ok) {
    const why = vm.toText(-1);
    vm.setTop(top);
    throw new Error(`cjson: cannot create cjson.null (${why}); open the libraries before removing newproxy`);
  }
  vm.setField(LUA_REGISTRYINDEX, NULL_SET_KEY);
  vm.setField(LUA_REGISTRYINDEX, NULL_KEY);
}

/** Pushes a cjson module table with its own options (cjson.new makes more). */
function pushModule(vm: LuaVm, aux: Aux): void {
  const cfg = defaults();
  const encoder = new Encoder(vm, aux, cfg);
  const decoder = new Decoder(vm, aux, cfg);

  /** Pads the arguments to `n` with nils; more than `n` is an error. */
  const argInit = (n: number): void => {
    if (vm.top > n) aux.argError(n + 1, 'found too many arguments');
    if (vm.top < n) vm.setTop(n);
  };
  const integerOption = (idx: number, key: keyof Config, min: number, max: number): void => {
    if (vm.type(idx) !== LuaType.nil) {
      const value = aux.checkInteger(idx) | 0; // lua_Integer into a C int
      // The C code reports argument 1 whichever option this is.
      if (!(min <= value && value <= max)) aux.argError(1, `expected integer between ${min} and ${max}`);
      cfg[key] = value;
    }
    vm.pushNumber(cfg[key]);
  };
  const enumOption = (idx: number, key: keyof Config, options: string[]): void => {
    if (vm.type(idx) !== LuaType.nil) {
      if (vm.type(idx) === LuaType.boolean) cfg[key] = vm.toBoolean(idx) ? 1 : 0;
      else cfg[key] = checkOption(idx, options);
    }
    const setting = cfg[key];
    if (setting === 0 || setting === 1) vm.pushBoolean(setting === 1);
    else vm.pushString(options[setting]!);
  };
  /** luaL_checkoption: the string (up to a NUL, as strcmp sees it) must be one of `options`. */
  const checkOption = (idx: number, options: string[]): number => {
    let name = aux.checkBytes(idx);
    const nul = name.indexOf(0);
    if (nul >= 0) name = name.subarray(0, nul);
    const i = options.indexOf(name.toString('latin1'));
    if (i >= 0) return i;
    return aux.argError(idx, Buffer.concat([Buffer.from("invalid option '"), name, Buffer.from("'")]));
  };

  const funcs: [string, LuaFunction][] = [
    ['encode', () => encoder.encode()],
    ['decode', () => decoder.decode()],
    ['encode_sparse_array', () => {
      argInit(3);
      enumOption(1, 'sparseConvert', BOOL_OPTIONS);
      integerOption(2, 'sparseRatio', 0, INT_MAX);
      integerOption(3, 'sparseSafe', 0, INT_MAX);
      return 3;
    }],
    ['encode_max_depth', () => (argInit(1), integerOption(1, 'encodeMaxDepth', 1, INT_MAX), 1)],
    ['decode_max_depth', () => (argInit(1), integerOption(1, 'decodeMaxDepth', 1, INT_MAX), 1)],
    ['encode_number_precision', () => (argInit(1), integerOption(1, 'encodeNumberPrecision', 1, 14), 1)],
    // The buffer is always kept here: the option only changes what is reported.
    ['encode_keep_buffer', () => (argInit(1), enumOption(1, 'encodeKeepBuffer', BOOL_OPTIONS), 1)],
    ['encode_invalid_numbers', () => (argInit(1), enumOption(1, 'encodeInvalidNumbers', INVALID_NUMBER_OPTIONS), 1)],
    ['decode_invalid_numbers', () => (argInit(1), enumOption(1, 'decodeInvalidNumbers', BOOL_OPTIONS), 1)],
    ['new', () => (pushModule(vm, aux), 1)],
  ];

  vm.newTable();
  for (const [name, fn] of funcs) {
    vm.pushFunction(fn);
    vm.setField(-2, name);
  }
  vm.getField(LUA_REGISTRYINDEX, NULL_KEY);
  vm.setField(-2, 'null');
  setStringFields(vm, { _NAME: 'cjson', _VERSION: '2.1.0' });
}

// ------------------------------------------------------------ encoding

class Encoder {
  private readonly out = new ByteSink(1024);

  constructor(private readonly vm: LuaVm, private readonly aux: Aux, private readonly cfg: Config) {}

  private busy = false;

  encode(): number {
    // Allocation inside a call can run a __gc finalizer that calls back in:
    // that call gets its own buffer instead of clobbering ours.
    if (this.busy) return new Encoder(this.vm, this.aux, this.cfg).encode();
    if (this.vm.top !== 1) this.aux.argError(1, 'expected 1 argument');
    this.busy = true;
    try {
      this.out.reset();
      this.value(0);
      this.vm.pushBytes(this.out.view());
    } finally {
      this.busy = false;
    }
    return 1;
  }

  private fail(idx: number, reason: string): never {
    this.aux.error(`Cannot serialise ${typeName(this.vm, idx)}: ${reason}`);
  }

  /** Appends the value on top of the stack (left there). */
  private value(depth: number): void {
    const vm = this.vm;
    switch (vm.type(-1)) {
      case LuaType.string:
        this.string(vm.toBytes(-1)!);
        break;
      case LuaType.number:
        this.number(-1);
        break;
      case LuaType.boolean:
        this.out.ascii(vm.toBoolean(-1) ? 'true' : 'false');
        break;
      case LuaType.table: {
        depth++;
        // Room to walk the table (key, value) and to raise from inside it.
        if (!(depth <= this.cfg.encodeMaxDepth && vm.checkStack(3))) this.aux.error(`Cannot serialise, excessive nesting (${depth})`);
        const len = this.arrayLength();
        if (len > 0) this.array(depth, len);
        else this.object(depth);
        break;
      }
      case LuaType.nil:
        this.out.ascii('null');
        break;
      default:
        if (vm.type(-1) === LuaType.userdata && this.isNull()) this.out.ascii('null');
        else this.fail(-1, 'type not supported');
    }
  }

  private isNull(): boolean {
    const vm = this.vm;
    vm.getField(LUA_REGISTRYINDEX, NULL_SET_KEY);
    vm.pushValue(-2);
    vm.rawGet(-2);
    const yes = vm.toBoolean(-1);
    vm.pop(2);
    return yes;
  }

  /**
   * The array length of the table on top, or -1 for an object. Keys are
   * tracked in a C int, so a key of 2^31 or more wraps the running maximum
   * to INT_MIN (and the table usually becomes an object), as on Redis.
   */
  private arrayLength(): number {
    const vm = this.vm;
    let max = 0;
    let items = 0;
    vm.pushNil();
    while (vm.next(-2)) {
      if (vm.type(-2) === LuaType.number) {
        const k = vm.toNumber(-2);
        if (k !== 0 && Math.floor(k) === k && k >= 1) {
          if (k > max) max = k <= INT_MAX ? k : INT_MIN;
          items++;
          vm.pop(1);
          continue;
        }
      }
      vm.pop(2);
      return -1;
    }
    const cfg = this.cfg;
    if (cfg.sparseRatio > 0 && max > Math.imul(items, cfg.sparseRatio) && max > cfg.sparseSafe) {
      if (!cfg.sparseConvert) this.fail(-1, 'excessively sparse array');
      return -1;
    }
    return max;
  }

  private array(depth: number, len: number): void {
    const vm = this.vm;
    this.out.byte(0x5b);
    for (let i = 1; i <= len; i++) {
      if (i > 1) this.out.byte(0x2c);
      vm.rawGetI(-1, i);
      this.value(depth);
      vm.pop(1);
    }
    this.out.byte(0x5d);
  }

  private object(depth: number): void {
    const vm = this.vm;
    const out = this.out;
    out.byte(0x7b);
    let comma = false;
    vm.pushNil();
    while (vm.next(-2)) {
      if (comma) out.byte(0x2c);
      else comma = true;
      const kt = vm.type(-2);
      if (kt === LuaType.number) {
        out.byte(0x22);
        this.number(-2);
        out.byte(0x22);
        out.byte(0x3a);
      } else if (kt === LuaType.string) {
        this.string(vm.toBytes(-2)!);
        out.byte(0x3a);
      } else {
        this.fail(-2, 'table key must be a number or string');
      }
      this.value(depth);
      vm.pop(1);
    }
    out.byte(0x7d);
  }

  private number(idx: number): void {
    const num = this.vm.toNumber(idx);
    const finite = num - num === 0;
    const mode = this.cfg.encodeInvalidNumbers;
    if (!finite) {
      if (mode === 0) this.fail(idx, 'must not be NaN or Inf');
      if (mode === 2) return this.out.ascii('null');
      // "on": C prints NaN itself ("nan", never "-nan"), Inf through printf.
      if (num !== num) return this.out.ascii('nan');
    }
    this.out.ascii(formatG(num, this.cfg.encodeNumberPrecision));
  }

  private string(s: Buffer): void {
    const out = this.out;
    // Escapes are rare: find the first, copy everything before it at once.
    let first = 0;
    while (first < s.length && CHAR2ESCAPE[s[first]!] === null) first++;
    out.ensure((s.length - first) * 6 + first + 2);
    const buf = out.buf;
    let p = out.pos;
    buf[p++] = 0x22;
    if (first > 0) {
      buf.set(first === s.length ? s : s.subarray(0, first), p);
      p += first;
    }
    for (let i = first; i < s.length; i++) {
      const c = s[i]!;
      const esc = CHAR2ESCAPE[c];
      if (esc === null) buf[p++] = c;
      else for (let k = 0; k < esc!.length; k++) buf[p++] = esc![k]!;
    }
    buf[p++] = 0x22;
    out.pos = p;
  }
}

// ------------------------------------------------------------ decoding

class Decoder {
  private data: Buffer = EMPTY;
  private p = 0;
  private depth = 0;
  /** Stack index of cjson.null once a null was seen (pushed once per decode). */
  private nullIdx = 0;
  private readonly tmp = new ByteSink(256);

  // The current token.
  private type: T = T.end;
  /** The current token's type (a call: next() changes it behind TypeScript's narrowing). */
  private tok(): T {
    return this.type;
  }
  private index = 0;
  private num = 0;
  private bool = false;
  private errText = '';
  private strStart = 0;
  private strEnd = 0;
  /** The string is in `tmp` (it had escapes) rather than data[strStart, strEnd). */
  private strInTmp = false;

  constructor(private readonly vm: LuaVm, private readonly aux: Aux, private readonly cfg: Config) {}

  private busy = false;

  decode(): number {
    // As in Encoder.encode: a re-entered call (from a finalizer) gets its own state.
    if (this.busy) return new Decoder(this.vm, this.aux, this.cfg).decode();
    const vm = this.vm;
    if (vm.top !== 1) this.aux.argError(1, 'expected 1 argument');
    const data = this.aux.checkBytes(1);
    // JSON text starts with an ASCII character: a NUL in the first two bytes means UTF-16/32.
    if (data.length >= 2 && (data[0] === 0 || data[1] === 0)) this.aux.error('JSON parser does not support UTF-16 or UTF-32');
    this.data = data;
    this.p = 0;
    this.depth = 0;
    this.nullIdx = 0;
    this.busy = true;
    try {
      this.next();
      this.value();
      this.next();
      if (this.tok() !== T.end) this.parseError('the end');
    } finally {
      this.data = EMPTY;
      this.busy = false;
    }
    return 1;
  }

  private at(i: number): number {
    return i < this.data.length ? this.data[i]! : 0;
  }

  private parseError(expected: string): never {
    const found = this.type === T.error ? this.errText : TOKEN_NAMES[this.type]!;
    this.aux.error(`Expected ${expected} but found ${found} at character ${this.index + 1}`);
  }

  private tokenError(text: string): void {
    this.type = T.error;
    this.index = this.p;
    this.errText = text;
  }

  private matches(word: string): boolean {
    for (let k = 0; k < word.length; k++) if (this.at(this.p + k) !== word.charCodeAt(k)) return false;
    return true;
  }

  /** Numbers JSON forbids that strtod takes: leading '+', hex, leading zeros, inf, nan. */
  private isInvalidNumber(): boolean {
    let q = this.p;
    let c = this.at(q);
    if (c === 0x2b) return true;
    if (c === 0x2d) c = this.at(++q);
    if (c === 0x30) {
      const c2 = this.at(q + 1);
      return (c2 | 0x20) === 0x78 || (c2 >= 0x30 && c2 <= 0x39);
    }
    // C compares a signed char: bytes from 0x80 count as "<= '9'".
    if (c <= 0x39 || c >= 0x80) return false;
    const word = (w: string) => {
      for (let k = 0; k < 3; k++) if ((this.at(q + k) | 0x20) !== w.charCodeAt(k)) return false;
      return true;
    };
    return word('inf') || word('nan');
  }

  private next(): void {
    let ch: number;
    let type: T;
    for (;;) {
      ch = this.at(this.p);
      type = CH2TOKEN[ch]! as T;
      if (type !== T.whitespace) break;
      this.p++;
    }
    this.type = type;
    this.index = this.p;
    if (type === T.error) return this.tokenError('invalid token');
    if (type === T.end) return;
    if (type !== T.unknown) {
      this.p++;
      return;
    }
    if (ch === 0x22) return this.stringToken();
    if (ch === 0x2d || (ch >= 0x30 && ch <= 0x39)) {
      if (!this.cfg.decodeInvalidNumbers && this.isInvalidNumber()) return this.tokenError('invalid number');
      return this.numberToken();
    }
    if (this.matches('true')) {
      this.type = T.boolean;
      this.bool = true;
      this.p += 4;
    } else if (this.matches('false')) {
      this.type = T.boolean;
      this.bool = false;
      this.p += 5;
    } else if (this.matches('null')) {
      this.type = T.null;
      this.p += 4;
    } else if (this.cfg.decodeInvalidNumbers && this.isInvalidNumber()) {
      this.numberToken();
    } else {
      this.tokenError('invalid token');
    }
  }

  private numberToken(): void {
    this.type = T.number;
    strtod(this.data, this.p);
    if (parsed.end === this.p) return this.tokenError('invalid number');
    this.num = parsed.value;
    this.p = parsed.end;
  }

  private stringToken(): void {
    const d = this.data;
    const start = ++this.p;
    // Most strings have no escapes: they go to Lua straight from the input.
    // The closing quote is found natively; the check for a backslash or NUL
    // before it stays within the string (a scan to the end of the document
    // per string would be quadratic).
    const close = d.indexOf(0x22, start);
    const end = close < 0 ? d.length : close;
    let q = start;
    if (end - start < 64) {
      while (q < end && d[q] !== 0x5c && d[q] !== 0) q++;
    } else {
      const body = d.subarray(start, end);
      const backslash = body.indexOf(0x5c);
      const nul = body.indexOf(0);
      q = start + Math.min(backslash < 0 ? body.length : backslash, nul < 0 ? body.length : nul);
    }
    if (q === close) {
      this.type = T.string;
      this.strInTmp = false;
      this.strStart = start;
      this.strEnd = close;
      this.p = close + 1;
      return;
    }
    const tmp = this.tmp;
    tmp.reset();
    tmp.bytes(d, start, q);
    this.p = q;
    for (;;) {
      let ch = this.at(this.p);
      if (ch === 0x22) break;
      if (ch === 0) return this.tokenError('unexpected end of string');
      if (ch === 0x5c) {
        ch = ESCAPE2CHAR[this.at(this.p + 1)]!;
        if (ch === 0x75) {
          if (this.unicodeEscape()) continue;
          return this.tokenError('invalid unicode escape code');
        }
        if (ch === 0) return this.tokenError('invalid escape code');
        this.p++;
      }
      tmp.byte(ch);
      this.p++;
    }
    this.p++;
    this.type = T.string;
    this.strInTmp = true;
  }

  private hex4(i: number): number {
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const c = this.at(i + k);
      const lc = c | 0x20;
      const digit = c >= 0x30 && c <= 0x39 ? c - 0x30 : lc >= 0x61 && lc <= 0x66 ? lc - 0x61 + 10 : -1;
      if (digit < 0) return -1;
      v = (v << 4) | digit;
    }
    return v;
  }

  /** \uXXXX (or a surrogate pair of them) at p, as UTF-8 into tmp; false when malformed. */
  private unicodeEscape(): boolean {
    let cp = this.hex4(this.p + 2);
    if (cp < 0) return false;
    let len = 6;
    if ((cp & 0xf800) === 0xd800) {
      if (cp & 0x400) return false; // a low surrogate first
      if (this.at(this.p + 6) !== 0x5c || this.at(this.p + 7) !== 0x75) return false;
      const low = this.hex4(this.p + 8);
      if (low < 0 || (low & 0xfc00) !== 0xdc00) return false;
      cp = (((cp & 0x3ff) << 10) | (low & 0x3ff)) + 0x10000;
      len = 12;
    }
    const t = this.tmp;
    if (cp <= 0x7f) t.byte(cp);
    else if (cp <= 0x7ff) {
      t.byte((cp >> 6) | 0xc0);
      t.byte((cp & 0x3f) | 0x80);
    } else if (cp <= 0xffff) {
      t.byte((cp >> 12) | 0xe0);
      t.byte(((cp >> 6) & 0x3f) | 0x80);
      t.byte((cp & 0x3f) | 0x80);
    } else {
      t.byte((cp >> 18) | 0xf0);
      t.byte(((cp >> 12) & 0x3f) | 0x80);
      t.byte(((cp >> 6) & 0x3f) | 0x80);
      t.byte((cp & 0x3f) | 0x80);
    }
    this.p += len;
    return true;
  }

  private pushString(): void {
    if (this.strInTmp) this.vm.pushBytes(this.tmp.view());
    else this.vm.pushBytes(this.data.subarray(this.strStart, this.strEnd));
  }

  private pushNull(): void {
    const vm = this.vm;
    if (this.nullIdx === 0) {
      // Kept just above the argument, under everything being built.
      vm.getField(LUA_REGISTRYINDEX, NULL_KEY);
      vm.insert(2);
      this.nullIdx = 2;
    }
    vm.pushValue(this.nullIdx);
  }

  /** Pushes the value the current token starts. */
  private value(): void {
    switch (this.type) {
      case T.string: return this.pushString();
      case T.number: return this.vm.pushNumber(this.num);
      case T.boolean: return this.vm.pushBoolean(this.bool);
      case T.objBegin: return this.object();
      case T.arrBegin: return this.array();
      case T.null: return this.pushNull();
      default: this.parseError('value');
    }
  }

  private descend(slots: number): void {
    this.depth++;
    if (this.depth <= this.cfg.decodeMaxDepth && this.vm.checkStack(slots)) return;
    this.aux.error(`Found too many nested data structures (${this.depth}) at character ${this.p}`);
  }

  private object(): void {
    const vm = this.vm;
    this.descend(3);
    vm.newTable();
    this.next();
    if (this.type === T.objEnd) {
      this.depth--;
      return;
    }
    for (;;) {
      if (this.type !== T.string) this.parseError('object key string');
      this.pushString();
      this.next();
      if (this.tok() !== T.colon) this.parseError('colon');
      this.next();
      this.value();
      vm.rawSet(-3);
      this.next();
      if (this.tok() === T.objEnd) {
        this.depth--;
        return;
      }
      if (this.tok() !== T.comma) this.parseError('comma or object end');
      this.next();
    }
  }

  private array(): void {
    const vm = this.vm;
    this.descend(2);
    vm.newTable();
    this.next();
    if (this.type === T.arrEnd) {
      this.depth--;
      return;
    }
    for (let i = 1; ; i++) {
      this.value();
      vm.rawSetI(-2, i);
      this.next();
      if (this.tok() === T.arrEnd) {
        this.depth--;
        return;
      }
      if (this.tok() !== T.comma) this.parseError('comma or array end');
      this.next();
    }
  }
}

const EMPTY = Buffer.alloc(0);
