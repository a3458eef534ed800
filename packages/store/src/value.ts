import type { Deque } from './deque.js';

// The values a key can hold. More types join this union as they land.
export interface StringValue {
  readonly type: 'string';
  data: Buffer;
}

export interface ListValue {
  readonly type: 'list';
  readonly items: Deque;
}

export type Value = StringValue | ListValue;
export type ValueType = Value['type'];
