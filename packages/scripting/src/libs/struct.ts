// Roberto Ierusalimschy's struct library (0.2, with Redis's security fixes),
// the `struct` table Redis gives scripts: binary packing by a format string.
// Sizes are those of Redis's x86-64 build (short 2, int 4, long and size_t
// 8, maximum alignment 8, native order little-endian), and numbers convert
// to integers the way that build's C casts do, overflow included.
//
// Formats: '>' '<' byte order, '![n]' alignment, 'x' padding, 'b' 'B' 'h'
// 'H' 'l' 'L' 'T' 'i[n]' 'I[n]' integers (n <= 32 bytes, only 8 of them
// significant), 'f' 'd' floats, 'c[n]' n chars ('c0': the whole string when
// packing, the previous number's worth when unpacking), 's' a zero-ended
// string, ' ' ignored. The format ends at its first NUL, as a C string does.
import { LuaVm, LUA_GLOBALSINDEX } from '../lua-vm.js';
import { Aux, reentrant } from './lauxlib.js';
import { ByteSink } from './byte-sink.js';

const BIG = 0;
const LITTLE = 1;
const MAXINTSIZE = 32;
const MAXALIGN = 8;
const INT_MAX = 2147483647;
const TWO32 = 4294967296;
const TWO63 = 9223372036854775808;
const TWO64 = 18446744073709551616;

const CH_SPACE = 0x20;

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isAlnum = (c: number) => isDigit(c) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

/**
 * (size_t)d as gcc compiles it for x86-64: truncation; below 2^63 through
 * the signed conversion (so NaN and negatives wrap to huge values), from
 * 2^63 by subtracting it first (so 2^64 and above give 0).
 */
function toUint64(d: number): number {
  if (d !== d) return TWO63;
  if (d >= TWO64) return 0;
  if (d >= TWO63) return Math.trunc(d);
  if (d < -TWO63) return TWO63;
  const t = Math.trunc(d);
  return t < 0 ? TWO64 + t : t + 0;
}

/** A format string being walked, with the header options in force. */
class Format {
  fmt: Buffer = Buffer.alloc(0);
  end = 0;
  i = 0;
  endian = LITTLE;
  align = 1;

  constructor(private readonly aux: Aux) {}

  start(fmt: Buffer): void {
    this.fmt = fmt;
    const nul = fmt.indexOf(0);
    this.end = nul < 0 ? fmt.length : nul;
    this.i = 0;
    this.endian = LITTLE;
    this.align = 1;
  }

  get more(): boolean {
    return this.i < this.end;
  }

  next(): number {
    return this.fmt[this.i++]!;
  }

  private num(df: number): number {
    if (!isDigit(this.fmt[this.i] ?? 0) || this.i >= this.end) return df;
    let a = 0;
    do {
      const d = this.fmt[this.i]! - 0x30;
      if (a > INT_MAX / 10 || a * 10 > INT_MAX - d) this.aux.error('integral size overflow');
      a = a * 10 + d;
      this.i++;
    } while (this.i < this.end && isDigit(this.fmt[this.i]!));
    return a;
  }

  /** Bytes the option takes (0 for options without a fixed size). */
  size(opt: number): number {
    switch (opt) {
      case 0x42: case 0x62: return 1; // B b
      case 0x48: case 0x68: return 2; // H h
      case 0x4c: case 0x6c: return 8; // L l
      case 0x54: return 8; // T
      case 0x66: return 4; // f
      case 0x64: return 8; // d
      case 0x78: return 1; // x
      case 0x63: return this.num(1); // c
      case 0x69: case 0x49: { // i I
        const sz = this.num(4);
        if (sz > MAXINTSIZE) this.aux.error(`integral size ${sz} is larger than limit of ${MAXINTSIZE}`);
        return sz;
      }
      default: return 0;
    }
  }

  /** Padding before an item of `size` bytes at offset `len`. Sizes need not be powers of 2 ('i3'); the mask arithmetic is the C code's. */
  padding(len: number, opt: number, size: number): number {
    if (size === 0 || opt === 0x63) return 0;
    if (size > this.align) size = this.align;
    return (size - ((len % 64) & (size - 1))) & (size - 1);
  }

  /** Header options; anything else is an invalid option. */
  control(opt: number): void {
    switch (opt) {
      case CH_SPACE: return;
      case 0x3e: this.endian = BIG; return; // >
      case 0x3c: this.endian = LITTLE; return; // <
      case 0x21: { // !
        const a = this.num(MAXALIGN);
        if (!(a > 0 && (a & (a - 1)) === 0)) this.aux.error(`alignment ${a} is not a power of 2`);
        this.align = a;
        return;
      }
      default:
        this.aux.argError(1, Buffer.concat([Buffer.from("invalid format option '"), Buffer.from([opt]), Buffer.from("'")]));
    }
  }
}

interface Codec {
  pack(v: LuaVm): number;
  unpack(v: LuaVm): number;
  size(v: LuaVm): number;
}

export function openStruct(vm: LuaVm): void {
  const aux = Aux.of(vm);
  const withCodec = reentrant(makeCodec(vm, aux), () => makeCodec(vm, aux));

  vm.newTable(0, 3);
  vm.pushFunction((v) => withCodec((c) => c.pack(v)));
  vm.setField(-2, 'pack');
  vm.pushFunction((v) => withCodec((c) => c.unpack(v)));
  vm.setField(-2, 'unpack');
  vm.pushFunction((v) => withCodec((c) => c.size(v)));
  vm.setField(-2, 'size');
  vm.setField(LUA_GLOBALSINDEX, 'struct');
}

/** The three functions with their format walker and output buffer. */
function makeCodec(vm: LuaVm, aux: Aux): Codec {
  const f = new Format(aux);
  const out = new ByteSink();

  const putInteger = (n: number, endian: number, size: number): void => {
    // The 64-bit value C's casts produce, as two 32-bit words.
    let v: number;
    if (n !== n) v = TWO63;
    else if (n < 0) v = n < -TWO63 ? -TWO63 : Math.trunc(n);
    else v = n >= TWO64 ? 0 : Math.trunc(n);
    let hi = Math.floor(v / TWO32);
    const lo = v - hi * TWO32;
    hi >>>= 0;
    out.ensure(size);
    const base = out.pos;
    for (let i = 0; i < size; i++) {
      const b = i < 4 ? (lo >>> (8 * i)) & 0xff : i < 8 ? (hi >>> (8 * (i - 4))) & 0xff : 0;
      out.buf[endian === LITTLE ? base + i : base + size - 1 - i] = b;
    }
    out.pos += size;
  };

  const getInteger = (data: Buffer, pos: number, endian: number, signed: boolean, size: number): number => {
    // A 64-bit accumulator as two words: bytes past the eighth shift the first ones out.
    let hi = 0;
    let lo = 0;
    for (let k = 0; k < size; k++) {
      const b = data[endian === BIG ? pos + k : pos + size - 1 - k]!;
      hi = ((hi << 8) | (lo >>> 24)) >>> 0;
      lo = ((lo << 8) | b) >>> 0;
    }
    if (!signed) return hi * TWO32 + lo;
    // Sign extension from bit size*8-1; x86 takes the shift count modulo
    // 64, which is what sizes 0 and 9..32 get.
    const shift = (size * 8 - 1) & 63;
    const maskHi = shift >= 32 ? (0xffffffff << (shift - 32)) >>> 0 : 0xffffffff;
    const maskLo = shift >= 32 ? 0 : (0xffffffff << shift) >>> 0;
    if ((hi & maskHi) !== 0 || (lo & maskLo) !== 0) {
      hi = (hi | maskHi) >>> 0;
      lo = (lo | maskLo) >>> 0;
    }
    return (hi | 0) * TWO32 + lo;
  };

  const pack = (v: LuaVm): number => {
    f.start(aux.checkBytes(1));
    let arg = 2;
    let total = 0;
    // The C code pushes a nil to separate its arguments from its buffer: a
    // missing first argument is then "got nil", the next ones "got no value".
    v.pushNil();
    out.reset();
    while (f.more) {
      const opt = f.next();
      let size = f.size(opt);
      const pad = f.padding(total, opt, size);
      total += pad;
      for (let k = 0; k < pad; k++) out.byte(0);
      switch (opt) {
        case 0x62: case 0x42: case 0x68: case 0x48: case 0x6c: case 0x4c: case 0x54: case 0x69: case 0x49:
          putInteger(aux.checkNumber(arg++), f.endian, size);
          break;
        case 0x78:
          out.byte(0);
          break;
        case 0x66: {
          const x = aux.checkNumber(arg++);
          out.ensure(4);
          if (f.endian === LITTLE) out.buf.writeFloatLE(x, out.pos);
          else out.buf.writeFloatBE(x, out.pos);
          out.pos += 4;
          break;
        }
        case 0x64: {
          const x = aux.checkNumber(arg++);
          out.ensure(8);
          if (f.endian === LITTLE) out.buf.writeDoubleLE(x, out.pos);
          else out.buf.writeDoubleBE(x, out.pos);
          out.pos += 8;
          break;
        }
        case 0x63: case 0x73: { // c s
          const s = aux.checkBytes(arg++);
          if (size === 0) size = s.length;
          // The C code reports the argument after the string (its counter has moved on).
          if (s.length < size) aux.argError(arg, 'string too short');
          out.bytes(s, 0, size);
          if (opt === 0x73) {
            out.byte(0);
            size++;
          }
          break;
        }
        default:
          f.control(opt);
      }
      total += size;
    }
    v.pushBytes(out.view());
    return 1;
  };

  const unpack = (v: LuaVm): number => {
    f.start(aux.checkBytes(1));
    const data = aux.checkBytes(2);
    const ld = data.length;
    const first = aux.optInteger(3, 1);
    if (first === 0) aux.argError(3, 'offset must be 1 or greater');
    // A negative offset passes the check as a huge size_t and then fails
    // every bounds check; with an empty format it comes back unchanged.
    const huge = first < 0;
    let pos = first - 1;
    let n = 0;
    const inBounds = (size: number) => !huge && size <= ld && pos <= ld - size;
    while (f.more) {
      const opt = f.next();
      let size = f.size(opt);
      if (!huge) pos += f.padding(pos, opt, size);
      if (!inBounds(size)) aux.argError(2, 'data string too short');
      aux.checkStack(2, 'too many results');
      switch (opt) {
        case 0x62: case 0x42: case 0x68: case 0x48: case 0x6c: case 0x4c: case 0x54: case 0x69: case 0x49:
          v.pushNumber(getInteger(data, pos, f.endian, opt >= 0x61, size));
          n++;
          break;
        case 0x78:
          break;
        case 0x66:
          v.pushNumber(f.endian === LITTLE ? data.readFloatLE(pos) : data.readFloatBE(pos));
          n++;
          break;
        case 0x64:
          v.pushNumber(f.endian === LITTLE ? data.readDoubleLE(pos) : data.readDoubleBE(pos));
          n++;
          break;
        case 0x63: {
          if (size === 0) {
            // The length is the previous result, whatever it was, if it reads as a number.
            if (n === 0 || !v.isNumber(-1)) aux.error("format 'c0' needs a previous size");
            size = toUint64(v.toNumber(-1));
            v.pop(1);
            n--;
            if (!inBounds(size)) aux.argError(2, 'data string too short');
          }
          v.pushBytes(data.subarray(pos, pos + size));
          n++;
          break;
        }
        case 0x73: {
          const e = data.indexOf(0, pos);
          if (e < 0) aux.error('unfinished string in data');
          size = e - pos + 1;
          v.pushBytes(data.subarray(pos, e));
          n++;
          break;
        }
        default:
          f.control(opt);
      }
      pos += size;
    }
    v.pushNumber(huge ? first : pos + 1);
    return n + 1;
  };

  const size = (v: LuaVm): number => {
    f.start(aux.checkBytes(1));
    let pos = 0;
    while (f.more) {
      const opt = f.next();
      const sz = f.size(opt);
      pos += f.padding(pos, opt, sz);
      if (opt === 0x73) aux.argError(1, "option 's' has no fixed size");
      else if (opt === 0x63 && sz === 0) aux.argError(1, "option 'c0' has no fixed size");
      // Letters and digits that are no option count as size 0 here (pack and unpack reject them).
      if (!isAlnum(opt)) f.control(opt);
      pos += sz;
    }
    v.pushNumber(pos);
    return 1;
  };

  return { pack, unpack, size };
}
