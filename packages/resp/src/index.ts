export * from './reply.js';
export { ReplyWriter, encodeReply, type Protocol } from './reply-writer.js';
export { formatDouble, formatG } from './format-double.js';
export {
  RequestParser,
  ProtocolError,
  DEFAULT_REQUEST_LIMITS,
  UNAUTHENTICATED_LIMITS,
  type RequestLimits,
} from './request-parser.js';
export { splitInlineArgs } from './inline-args.js';
export { replyEnd } from './reply-scanner.js';
