// Argument helpers shared by the command files: parsing with Redis's error
// replies. Each returns a value or an ErrorReply for the handler to return.
import { error, Errors, type ErrorReply } from '@redisraft-wasm/resp';
import { parseFloatStrict, parseSafeInt } from './numbers.js';

export function isErr(x: unknown): x is ErrorReply {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'error';
}

export const ERR_NOT_INTEGER = error(Errors.notInteger);
export const ERR_NOT_FLOAT = error(Errors.notFloat);
export const ERR_SYNTAX = error(Errors.syntax);
export const ERR_WRONGTYPE = error(Errors.wrongType);

/** An integer argument (within JS's safe range, which covers every count and index Redis takes). */
export function intArg(b: Buffer): number | ErrorReply {
  const v = parseSafeInt(b);
  return v === null ? ERR_NOT_INTEGER : v;
}

export function floatArg(b: Buffer): number | ErrorReply {
  const v = parseFloatStrict(b);
  return v === null ? ERR_NOT_FLOAT : v;
}

/** Lowercased ASCII option name, for matching keywords like EX, NX, WITHSCORES. */
export function lower(b: Buffer): string {
  return b.toString('latin1').toLowerCase();
}
