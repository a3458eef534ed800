// The one-line Lua wrapper both sides run: redis-server (EVAL) when the
// expected values were captured, and our LuaVm in the tests. It calls the
// case body in pcall, prints everything it returned in a canonical form
// (exact numbers, escaped bytes, tables with sorted keys, cjson.null as
// `null`), then puts cjson's options back so cases do not leak into each
// other (Redis keeps one Lua state across EVALs). The body and wrapper
// share line 1 of a chunk named @user_script, so error positions read
// "user_script:1:" on both sides.
import { LuaVm, LuaStatus, openBit, openCjson, openCmsgpack, openStruct } from '../src/index.js';

const DUMP = [
  'local function q(s) return string.format("%q", s):gsub("\\\\\\n", "\\\\n"):gsub("[^ -~]", function(c) return string.format("\\\\%03d", c:byte()) end) end',
  'local function d(v, depth)',
  '  local t = type(v)',
  '  if t == "string" then return q(v)',
  '  elseif t == "number" then',
  '    if v ~= v then return "nan" elseif v == 1/0 then return "inf" elseif v == -1/0 then return "-inf"',
  '    elseif v == 0 and 1/v < 0 then return "-0" else return string.format("%.17g", v) end',
  '  elseif t == "table" then',
  '    if depth > 20 then return "{...}" end',
  '    local keys = {}',
  '    for k in pairs(v) do keys[#keys + 1] = k end',
  '    local ks = {}',
  '    for i, k in ipairs(keys) do ks[i] = { d(k, depth + 1), k } end',
  '    table.sort(ks, function(a, b) return a[1] < b[1] end)',
  '    local out = {}',
  '    for i, e in ipairs(ks) do out[i] = "[" .. e[1] .. "]=" .. d(v[e[2]], depth + 1) end',
  '    return "{" .. table.concat(out, ",") .. "}"',
  '  elseif v == cjson.null then return "null"',
  '  elseif t == "boolean" then return tostring(v) else return t end',
  'end',
  'local function all(...) local o = {} for i = 1, select("#", ...) do o[i] = d((select(i, ...)), 0) end return table.concat(o, ", ") end',
  'local function reset() cjson.encode_max_depth(1000) cjson.decode_max_depth(1000) cjson.encode_invalid_numbers(false) cjson.decode_invalid_numbers(true) cjson.encode_number_precision(14) cjson.encode_sparse_array(false, 2, 10) cjson.encode_keep_buffer(true) end',
].join(' ');

/** The script for one case body (Lua statements ending in `return ...`; one line). */
export function wrap(body: string): string {
  if (body.includes('\n')) throw new Error(`case bodies are one line: ${body}`);
  return `${DUMP} local r = all(pcall(function() ${body} end)) reset() return r`;
}

/** A VM with the standard libraries and the four Redis libraries, as a script sees them. */
export async function libsVm(): Promise<LuaVm> {
  const vm = await LuaVm.create();
  vm.openStandardLibs();
  openCjson(vm);
  openStruct(vm);
  openCmsgpack(vm);
  openBit(vm);
  return vm;
}

/** Runs one case in `vm`; the same text redis-server returns for wrap(body). */
export function runCase(vm: LuaVm, body: string): string {
  vm.setTop(0);
  if (vm.load(Buffer.from(wrap(body)), '@user_script') !== LuaStatus.ok) return `load error: ${vm.toText(-1)}`;
  if (vm.pcall(0, 1, 0) !== LuaStatus.ok) return `script error: ${vm.toText(-1)}`;
  const out = vm.toText(-1) ?? '';
  vm.setTop(0);
  return out;
}
