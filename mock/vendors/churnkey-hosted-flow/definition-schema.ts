import { CONDITION_TYPES, OPERANDS } from './targeting.ts';

const scalar = { type: ['string', 'number', 'boolean'] };

const condition = {
  type: 'object',
  additionalProperties: false,
  required: ['attribute', 'operand', 'value', 'type'],
  properties: {
    attribute: { type: 'string', minLength: 1, maxLength: 200 },
    operand: { enum: [...OPERANDS] },
    value: { type: 'array', minItems: 1, maxItems: 100, items: scalar },
    type: { enum: [...CONDITION_TYPES] },
  },
};

const conditions = { type: 'array', maxItems: 50, items: condition };

/** `then` when `type` is `name`: each offer type has its own config fields. */
const offerCase = (name: string, properties: Record<string, unknown>, required: string[]) => ({
  if: { properties: { type: { const: name } } },
  // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword.
  then: {
    additionalProperties: false,
    required: ['type', ...required],
    properties: { type: true, ...properties },
  },
});

const offer = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { enum: ['PAUSE', 'DISCOUNT', 'CONTACT', 'PLAN_CHANGE', 'REDIRECT', 'TRIAL_EXTENSION'] },
  },
  allOf: [
    offerCase(
      'PAUSE',
      {
        maxPauseLength: { type: 'integer', minimum: 1, maximum: 24 },
        pauseInterval: { enum: ['MONTH', 'WEEK'] },
      },
      ['maxPauseLength', 'pauseInterval'],
    ),
    offerCase(
      'DISCOUNT',
      {
        couponId: { type: 'string', minLength: 1, maxLength: 200 },
        couponType: { enum: ['PERCENT', 'AMOUNT'] },
        couponAmount: { type: 'number', exclusiveMinimum: 0 },
        couponDuration: { type: ['integer', 'null'], minimum: 1 },
      },
      ['couponId', 'couponType', 'couponAmount', 'couponDuration'],
    ),
    offerCase('CONTACT', {}, []),
    offerCase(
      'PLAN_CHANGE',
      { planIds: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } } },
      ['planIds'],
    ),
    offerCase(
      'REDIRECT',
      {
        redirectUrl: { type: 'string', format: 'uri', pattern: '^https?://' },
        redirectLabel: { type: 'string', minLength: 1, maxLength: 200 },
      },
      ['redirectUrl', 'redirectLabel'],
    ),
    offerCase(
      'TRIAL_EXTENSION',
      { trialExtensionDays: { type: 'integer', minimum: 1, maximum: 365 } },
      ['trialExtensionDays'],
    ),
  ],
};

/** JSON Schema of a Cancel Flow definition file. */
export const FLOW_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['survey', 'steps'],
  properties: {
    name: { type: 'string', maxLength: 200 },
    blueprintId: { type: 'string', pattern: '^[0-9a-f]{24}$' },
    segmentId: { type: 'string', pattern: '^[0-9a-f]{24}$' },
    mode: { enum: ['LIVE', 'TEST'] },
    survey: {
      type: 'object',
      additionalProperties: false,
      required: ['choices'],
      properties: {
        id: { type: 'string', pattern: '^[0-9a-f]{24}$' },
        choices: {
          type: 'array',
          minItems: 1,
          maxItems: 50,
          uniqueItems: true,
          items: { type: 'string', minLength: 1, maxLength: 200 },
        },
      },
    },
    steps: {
      type: 'array',
      minItems: 1,
      maxItems: 100,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'offer'],
        properties: {
          id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
          title: { type: 'string', maxLength: 200 },
          message: { type: 'string', maxLength: 2000 },
          offer,
          conditions,
          skipWhen: conditions,
          exclusive: { type: 'boolean' },
        },
      },
    },
  },
} as const;
