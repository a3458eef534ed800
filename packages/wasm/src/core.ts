// Loads core.wasm once and owns its memory. No other module touches wasm
// memory: the typed wrappers in this package copy in, call, and copy out.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// @types/node 20 does not declare the WebAssembly namespace; this is the part we use.
interface WasmMemory { readonly buffer: ArrayBuffer; grow(pages: number): number }
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const WebAssemblyApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface CoreExports {
  memory: WasmMemory;
  heapBase(): number;
  crc32c(crc: number, ptr: number, len: number): number;
  crc64(crc: bigint, ptr: number, len: number): bigint;
  frameRecords(desc: number, count: number, out: number): number;
  decodeRecords(buf: number, len: number, desc: number, maxCount: number, maxPayload: number): number;
  lastDamageKind(): number;
  lastDamageOffset(): number;
  lastEndOffset(): number;
  rdbEncode(items: number, len: number, out: number, crc: bigint): number;
  rdbLastCrc(): bigint;
  rdbDecode(input: number, len: number, out: number, maxTokens: number, start: number, crc: bigint, extra: number, extraSize: number): number;
  rdbDecodeValue(input: number, len: number, out: number, maxTokens: number, extra: number, extraSize: number): number;
  rdbConsumed(): number;
  rdbErrorCode(): number;
  rdbErrorOffset(): number;
  rdbFinished(): number;
  rdbShort(): number;
  rdbExtraUsed(): number;
  rdbExtraWanted(): number;
}

function locateWasm(): string {
  // dist/core.js sits next to core.wasm; src/core.ts (tests via tsx) finds it in ../dist.
  for (const rel of ['./core.wasm', '../dist/core.wasm']) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error('core.wasm not found: run `pnpm build` (it compiles assembly/ with asc)');
}

const instance = new WebAssemblyApi.Instance(new WebAssemblyApi.Module(readFileSync(locateWasm())), {
  env: {
    abort(_msg: number, _file: number, line: number, col: number) {
      throw new Error(`wasm core aborted at line ${line}:${col}`);
    },
  },
});

export const core = instance.exports as unknown as CoreExports;
const WASM_PAGE = 65536;
const base = (core.heapBase() + 15) & ~15;
let view = Buffer.from(core.memory.buffer);

/** Scratch memory [heap base, heap base + size) as a Buffer view; valid until the next call here. */
export function scratch(size: number): { ptr: number; mem: Buffer } {
  const need = base + size;
  if (need > core.memory.buffer.byteLength) {
    core.memory.grow(Math.ceil((need - core.memory.buffer.byteLength) / WASM_PAGE));
  }
  if (view.buffer !== core.memory.buffer) view = Buffer.from(core.memory.buffer);
  return { ptr: base, mem: view };
}
