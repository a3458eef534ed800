// lua-cmsgpack 0.4.0 (antirez's, with Redis's fixes), the `cmsgpack` table
// Redis gives scripts.
//
// Packing: a number that is an integer in int64 range packs as the smallest
// msgpack int; any other number as float 32 when that is exact, else float
// 64. A table whose keys are exactly 1..n (n = its key count, so {} too) is
// an array, any other a map. Strings are fixstr/str8/str16/str32 (the "raw"
// family; never bin). Tables nested 16 deep, and values msgpack cannot
// hold (functions, userdata, cjson.null), pack as nil.
//
// Unpacking: unsigned 64-bit ints go through a signed cast, so values past
// 2^63 come back negative, as on Redis. bin and ext types are "bad data".
import { LuaType, LuaVm, LUA_GLOBALSINDEX } from '../lua-vm.js';
import { Aux, setStringFields, reentrant } from './lauxlib.js';
import { ByteSink } from './byte-sink.js';

const MAX_NESTING = 16;
const TWO32 = 4294967296;
const TWO63 = 9223372036854775808;
const INT_MAX = 2147483647;

const enum Err { none, eof, badFormat }

const ARRAY = 0;
const MAP_KEY = 1;
const MAP_VALUE = 2;

interface Codec {
  pack(v: LuaVm): number;
  unpackFull(v: LuaVm, limit: number, offset: number): number;
}

export function openCmsgpack(vm: LuaVm): void {
  const aux = Aux.of(vm);
  const withCodec = reentrant(makeCodec(vm, aux), () => makeCodec(vm, aux));

  const pack = (v: LuaVm): number => withCodec((c) => c.pack(v));
  const unpack = (v: LuaVm): number => withCodec((c) => c.unpackFull(v, 0, 0));

  const unpackOne = (v: LuaVm): number => {
    const offset = aux.optInteger(2, 0);
    v.setTop(1);
    return withCodec((c) => c.unpackFull(v, 1, offset));
  };

  const unpackLimit = (v: LuaVm): number => {
    const limit = aux.checkInteger(2);
    const offset = aux.optInteger(3, 0);
    v.setTop(1);
    return withCodec((c) => c.unpackFull(v, limit, offset));
  };

  vm.newTable();
  vm.pushFunction(pack);
  vm.setField(-2, 'pack');
  vm.pushFunction(unpack);
  vm.setField(-2, 'unpack');
  vm.pushFunction(unpackOne);
  vm.setField(-2, 'unpack_one');
  vm.pushFunction(unpackLimit);
  vm.setField(-2, 'unpack_limit');
  setStringFields(vm, {
    _NAME: 'cmsgpack',
    _VERSION: 'lua-cmsgpack 0.4.0',
    _COPYRIGHT: 'Copyright (C) 2012, Salvatore Sanfilippo',
    _DESCRIPTION: 'MessagePack C implementation for Lua',
  });
  vm.setField(LUA_GLOBALSINDEX, 'cmsgpack');
}

/** The packer and unpacker with their buffers and decoding state. */
function makeCodec(vm: LuaVm, aux: Aux): Codec {
  const out = new ByteSink();

  // ------------------------------------------------------------ packing

  const encodeInt = (n: number): void => {
    const o = out;
    o.ensure(9);
    const b = o.buf;
    let p = o.pos;
    if (n >= 0) {
      if (n <= 127) b[p++] = n;
      else if (n <= 0xff) { b[p++] = 0xcc; b[p++] = n; }
      else if (n <= 0xffff) { b[p++] = 0xcd; b.writeUInt16BE(n, p); p += 2; }
      else if (n <= 0xffffffff) { b[p++] = 0xce; b.writeUInt32BE(n, p); p += 4; }
      else { b[p++] = 0xcf; p = words(b, p, n); }
    } else if (n >= -32) b[p++] = n & 0xff;
    else if (n >= -128) { b[p++] = 0xd0; b[p++] = n & 0xff; }
    else if (n >= -32768) { b[p++] = 0xd1; b.writeInt16BE(n, p); p += 2; }
    else if (n >= -2147483648) { b[p++] = 0xd2; b.writeInt32BE(n, p); p += 4; }
    else { b[p++] = 0xd3; p = words(b, p, n); }
    o.pos = p;
  };

  const encodeNumber = (n: number): void => {
    // (int64_t)n == n: integers from -2^63 up to (not including) 2^63.
    if (Number.isInteger(n) && n >= -TWO63 && n < TWO63) encodeInt(n + 0);
    else if (Math.fround(n) === n) {
      out.ensure(5);
      out.buf[out.pos] = 0xca;
      out.buf.writeFloatBE(n, out.pos + 1);
      out.pos += 5;
    } else {
      out.ensure(9);
      out.buf[out.pos] = 0xcb;
      out.buf.writeDoubleBE(n, out.pos + 1);
      out.pos += 9;
    }
  };

  const encodeHeader = (n: number, fix: number, fixMax: number, op16: number): void => {
    out.ensure(5);
    const b = out.buf;
    if (n <= fixMax) b[out.pos++] = fix | n;
    else if (n <= 0xffff) { b[out.pos] = op16; b.writeUInt16BE(n, out.pos + 1); out.pos += 3; }
    else { b[out.pos] = op16 + 1; b.writeUInt32BE(n, out.pos + 1); out.pos += 5; }
  };

  const encodeString = (s: Buffer): void => {
    const len = s.length;
    out.ensure(5 + len);
    const b = out.buf;
    if (len < 32) b[out.pos++] = 0xa0 | len;
    else if (len <= 0xff) { b[out.pos++] = 0xd9; b[out.pos++] = len; }
    else if (len <= 0xffff) { b[out.pos] = 0xda; b.writeUInt16BE(len, out.pos + 1); out.pos += 3; }
    else { b[out.pos] = 0xdb; b.writeUInt32BE(len, out.pos + 1); out.pos += 5; }
    out.bytes(s);
  };

  /** Count of keys when they are exactly 1..count, else -1 (C: keys must be int-valued, so 2^31 and up make a map). */
  const arrayLength = (): number => {
    let count = 0;
    let max = 0;
    vm.pushNil();
    while (vm.next(-2)) {
      vm.pop(1);
      const n = vm.type(-1) === LuaType.number ? vm.toNumber(-1) : 0;
      if (!(n > 0 && n <= INT_MAX && Number.isInteger(n))) {
        vm.pop(1);
        return -1;
      }
      if (n > max) max = n;
      count++;
    }
    return max === count ? count : -1;
  };

  /** Packs the value on top of the stack and pops it. */
  const encode = (level: number): void => {
    let t = vm.type(-1);
    if (t === LuaType.table && level === MAX_NESTING) t = LuaType.nil;
    switch (t) {
      case LuaType.string:
        encodeString(vm.toBytes(-1)!);
        break;
      case LuaType.boolean:
        out.byte(vm.toBoolean(-1) ? 0xc3 : 0xc2);
        break;
      case LuaType.number:
        encodeNumber(vm.toNumber(-1));
        break;
      case LuaType.table: {
        const len = arrayLength();
        if (len >= 0) {
          encodeHeader(len, 0x90, 15, 0xdc);
          aux.checkStack(1, 'in function mp_encode_lua_table_as_array');
          for (let j = 1; j <= len; j++) {
            vm.rawGetI(-1, j);
            encode(level + 1);
          }
        } else {
          aux.checkStack(3, 'in function mp_encode_lua_table_as_map');
          let count = 0;
          vm.pushNil();
          while (vm.next(-2)) {
            vm.pop(1);
            count++;
          }
          encodeHeader(count, 0x80, 15, 0xde);
          vm.pushNil();
          while (vm.next(-2)) {
            vm.pushValue(-2);
            encode(level + 1); // key
            encode(level + 1); // value
          }
        }
        break;
      }
      default:
        out.byte(0xc0);
    }
    vm.pop(1);
  };

  const pack = (v: LuaVm): number => {
    const nargs = v.top;
    if (nargs === 0) aux.argError(0, 'MessagePack pack needs input.');
    if (!v.checkStack(nargs)) aux.argError(0, 'Too many arguments for MessagePack pack.');
    out.reset();
    for (let i = 1; i <= nargs; i++) {
      v.pushValue(i);
      encode(0);
    }
    v.pushBytes(out.view());
    return 1;
  };

  // ------------------------------------------------------------ unpacking

  let data: Buffer = Buffer.alloc(0);
  let p = 0;
  let err = Err.none;

  const need = (n: number): boolean => {
    if (data.length - p >= n) return true;
    err = Err.eof;
    return false;
  };

  // Containers being filled, innermost last. Nesting is bounded only by
  // the Lua stack (two slots a level, as in C: ~4000 levels), too deep for
  // JS recursion, so the decoder keeps its own stack.
  const kinds: number[] = []; // ARRAY or MAP_KEY / MAP_VALUE (what comes next)
  const remaining: number[] = [];
  const indexes: number[] = [];
  let depth = 0;

  const openArray = (len: number): void => {
    vm.newTable();
    aux.checkStack(1, 'in function mp_decode_to_lua_array');
    if (len === 0) return;
    vm.pushNumber(1);
    kinds[depth] = ARRAY;
    remaining[depth] = len;
    indexes[depth] = 1;
    depth++;
  };

  const openMap = (len: number): void => {
    vm.newTable();
    if (len === 0) return;
    kinds[depth] = MAP_KEY;
    remaining[depth] = len;
    depth++;
  };

  const throwPlain = (message: string): never => {
    vm.pushString(message);
    vm.raiseTop();
  };

  /** Decodes one value at `p` and pushes it; on a short or bad input sets `err` instead. */
  const decode = (): void => {
    const base = depth;
    for (;;) {
      const before = depth;
      item();
      if (err) return;
      // A container was opened: its elements come next.
      if (depth > before) continue;
      // A value is complete: hand it to the containers it finishes.
      for (;;) {
        if (depth === base) return;
        const d = depth - 1;
        const kind = kinds[d]!;
        if (kind === MAP_KEY) {
          kinds[d] = MAP_VALUE;
          break;
        }
        if (kind === MAP_VALUE) {
          // lua_settable raises these itself (no position: the core's error, not luaL_error).
          const kt = vm.type(-2);
          if (kt === LuaType.nil) throwPlain('table index is nil');
          if (kt === LuaType.number && Number.isNaN(vm.toNumber(-2))) throwPlain('table index is NaN');
          kinds[d] = MAP_KEY;
        }
        vm.rawSet(-3);
        if (--remaining[d]! === 0) {
          depth--;
          continue;
        }
        if (kind === ARRAY) vm.pushNumber(++indexes[d]!);
        break;
      }
    }
  };

  const pushString = (start: number, len: number): void => {
    vm.pushBytes(data.subarray(start, start + len));
    p = start + len;
  };

  /** One scalar, or the start of a container, at `p`. */
  const item = (): void => {
    if (!need(1)) return;
    // Each value takes a stack slot and nothing bounds how many: the C code checks every time.
    aux.checkStack(1, 'too many return values at once; use unpack_one or unpack_limit instead.');
    const b = data;
    const c = b[p]!;
    switch (c) {
      case 0xcc: if (need(2)) { vm.pushNumber(b[p + 1]!); p += 2; } return;
      case 0xd0: if (need(2)) { vm.pushNumber(b.readInt8(p + 1)); p += 2; } return;
      case 0xcd: if (need(3)) { vm.pushNumber(b.readUInt16BE(p + 1)); p += 3; } return;
      case 0xd1: if (need(3)) { vm.pushNumber(b.readInt16BE(p + 1)); p += 3; } return;
      case 0xce: if (need(5)) { vm.pushNumber(b.readUInt32BE(p + 1)); p += 5; } return;
      case 0xd2: if (need(5)) { vm.pushNumber(b.readInt32BE(p + 1)); p += 5; } return;
      case 0xcf: // uint 64, pushed through lua_Integer: the top bit makes it negative
      case 0xd3: if (need(9)) { vm.pushNumber(b.readInt32BE(p + 1) * TWO32 + b.readUInt32BE(p + 5)); p += 9; } return;
      case 0xc0: vm.pushNil(); p += 1; return;
      case 0xc3: vm.pushBoolean(true); p += 1; return;
      case 0xc2: vm.pushBoolean(false); p += 1; return;
      case 0xca: if (need(5)) { vm.pushNumber(b.readFloatBE(p + 1)); p += 5; } return;
      case 0xcb: if (need(9)) { vm.pushNumber(b.readDoubleBE(p + 1)); p += 9; } return;
      case 0xd9: if (need(2)) { const l = b[p + 1]!; if (need(2 + l)) pushString(p + 2, l); } return;
      case 0xda: if (need(3)) { const l = b.readUInt16BE(p + 1); if (need(3 + l)) pushString(p + 3, l); } return;
      case 0xdb: if (need(5)) { const l = b.readUInt32BE(p + 1); p += 5; if (need(l)) pushString(p, l); } return;
      case 0xdc: if (need(3)) { const l = b.readUInt16BE(p + 1); p += 3; openArray(l); } return;
      case 0xdd: if (need(5)) { const l = b.readUInt32BE(p + 1); p += 5; openArray(l); } return;
      case 0xde: if (need(3)) { const l = b.readUInt16BE(p + 1); p += 3; openMap(l); } return;
      case 0xdf: if (need(5)) { const l = b.readUInt32BE(p + 1); p += 5; openMap(l); } return;
    }
    if ((c & 0x80) === 0) { vm.pushNumber(c); p += 1; }
    else if ((c & 0xe0) === 0xe0) { vm.pushNumber(c - 256); p += 1; }
    else if ((c & 0xe0) === 0xa0) { const l = c & 0x1f; if (need(1 + l)) pushString(p + 1, l); }
    else if ((c & 0xf0) === 0x90) { p += 1; openArray(c & 0xf); }
    else if ((c & 0xf0) === 0x80) { p += 1; openMap(c & 0xf); }
    else err = Err.badFormat;
  };

  /** limit 0 and offset 0 mean "everything, no offset returned". */
  const unpackFull = (v: LuaVm, limit: number, offset: number): number => {
    const s = aux.checkBytes(1);
    const len = s.length;
    const decodeAll = limit === 0 && offset === 0;
    // The C message prints the input length where it says "limit".
    if (offset < 0 || limit < 0) aux.error(`Invalid request to unpack with offset of ${offset | 0} and limit of ${len | 0}.`);
    else if (offset > len) aux.error(`Start offset ${offset | 0} greater than input length ${len | 0}.`);
    if (decodeAll) limit = INT_MAX;
    data = s;
    p = offset;
    err = Err.none;
    depth = 0;
    let cnt = 0;
    try {
      for (; p < len && cnt < limit; cnt++) {
        decode();
        const e = err as Err;
        if (e === Err.eof) aux.error('Missing bytes in input.');
        else if (e === Err.badFormat) aux.error('Bad data format in input.');
      }
    } finally {
      data = EMPTY;
    }
    if (!decodeAll) {
      aux.checkStack(1, 'in function mp_unpack_full');
      v.pushNumber(p === len ? -1 : p);
      v.insert(2);
      cnt += 1;
    }
    return cnt;
  };

  return { pack, unpackFull };
}

const EMPTY = Buffer.alloc(0);

/** A 64-bit two's complement integer (|n| < 2^63, exact in a double) as 8 big-endian bytes. */
function words(b: Buffer, p: number, n: number): number {
  const hi = Math.floor(n / TWO32);
  b.writeUInt32BE(hi >>> 0, p);
  b.writeUInt32BE(n - hi * TWO32, p + 4);
  return p + 8;
}
