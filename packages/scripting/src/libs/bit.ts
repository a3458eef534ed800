// LuaBitOp 1.0.2, the `bit` table Redis gives scripts: 32-bit operations on
// Lua numbers (doubles). An argument becomes 32 bits the way LuaBitOp does
// it: add 2^52+2^51 and keep the low word of the double, so any number maps
// (fractions round to nearest even, big ones wrap modulo 2^32) and results
// are signed 32-bit.
import { LuaType, LuaVm, LUA_GLOBALSINDEX, type LuaFunction } from '../lua-vm.js';
import { Aux } from './lauxlib.js';

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// The low word is u32[0] on little-endian hosts only (all Node targets we run on).
const LOW = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;

const HEX_LOWER = '0123456789abcdef';
const HEX_UPPER = '0123456789ABCDEF';

export function openBit(vm: LuaVm): void {
  const aux = Aux.of(vm);

  /** The argument as 32 bits (signed); a non-number raises "number expected". */
  const arg = (idx: number): number => {
    f64[0] = vm.toNumber(idx) + 6755399441055744.0;
    const b = u32[LOW]! | 0;
    // lua_tonumber gives 0 for a non-number, which lands on 0 too.
    if (b === 0 && !vm.isNumber(idx)) aux.typeError(idx, 'number');
    return b;
  };
  const ret = (b: number): number => {
    vm.pushNumber(b | 0);
    return 1;
  };
  // Multi-argument ops fold from the last argument down, as LuaBitOp does,
  // so with several bad arguments the last one is the one reported.
  const fold = (op: (a: number, b: number) => number): LuaFunction => (v) => {
    let b = arg(1);
    for (let i = v.top; i > 1; i--) b = op(b, arg(i));
    return ret(b);
  };
  const shift = (op: (b: number, n: number) => number): LuaFunction => () => {
    const b = arg(1);
    return ret(op(b, arg(2) & 31));
  };

  const funcs: Record<string, LuaFunction> = {
    tobit: () => ret(arg(1)),
    bnot: () => ret(~arg(1)),
    band: fold((a, b) => a & b),
    bor: fold((a, b) => a | b),
    bxor: fold((a, b) => a ^ b),
    lshift: shift((b, n) => b << n),
    rshift: shift((b, n) => b >>> n),
    arshift: shift((b, n) => b >> n),
    // JS masks shift counts to 5 bits like x86 does, so n = 0 rotates by nothing.
    rol: shift((b, n) => (b << n) | (b >>> (32 - n))),
    ror: shift((b, n) => (b << (32 - n)) | (b >>> n)),
    bswap: () => {
      const b = arg(1);
      return ret((b >>> 24) | ((b >>> 8) & 0xff00) | ((b & 0xff00) << 8) | (b << 24));
    },
    tohex: (v) => {
      let b = arg(1);
      let n = v.type(2) === LuaType.none ? 8 : arg(2);
      let digits = HEX_LOWER;
      // Redis 7.2's fix for CVE-2024-31449: -2^31 cannot be negated.
      if (n === -2147483648) n = -2147483647;
      if (n < 0) {
        n = -n;
        digits = HEX_UPPER;
      }
      if (n > 8) n = 8;
      let s = '';
      for (let i = 0; i < n; i++) {
        s = digits[b & 15]! + s;
        b >>>= 4;
      }
      v.pushString(s);
      return 1;
    },
  };

  vm.newTable(0, 12);
  for (const [name, fn] of Object.entries(funcs)) {
    vm.pushFunction(fn);
    vm.setField(-2, name);
  }
  vm.setField(LUA_GLOBALSINDEX, 'bit');
}
