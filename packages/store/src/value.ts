// The values a key can hold. More types join this union as they land.
export interface StringValue {
  readonly type: 'string';
  data: Buffer;
}

export type Value = StringValue;
export type ValueType = Value['type'];
