import {
  CANCEL_CATEGORIES,
  CANCELED_BY,
  CODED_FIELDS,
  type CodedField,
} from '../../../generators/rebilly-reports.ts';

/** The type of a filterable field; a value of the wrong type is an error (docs/decisions/002). */
export type FieldType = 'string' | 'number' | 'date-time';

export interface FieldSpec {
  readonly type: FieldType;
  /** The closed set of values (lower case) when the vendor defines one, e.g. canceledBy. */
  readonly values?: readonly string[];
}

/** The twelve `aggregationField` values, in the vendor's order (docs/decisions/002). */
export const AGGREGATION_FIELDS: readonly CodedField[] = CODED_FIELDS;

const TEXT: FieldSpec = { type: 'string' };
const TIME: FieldSpec = { type: 'date-time' };

/**
 * Every subscription field `filter` can name and its type. The twelve aggregation fields plus
 * the subscription's own id, customer, currency, quantity and times; `endTime` equals
 * `canceledTime` because the mock's cancellations take effect at once.
 */
export const FILTER_FIELDS: Readonly<Record<string, FieldSpec>> = {
  id: TEXT,
  customerId: TEXT,
  planId: TEXT,
  websiteId: TEXT,
  currency: TEXT,
  quantity: { type: 'number' },
  startTime: TIME,
  canceledTime: TIME,
  endTime: TIME,
  canceledBy: { type: 'string', values: CANCELED_BY },
  cancelCategory: { type: 'string', values: CANCEL_CATEGORIES },
  'leadSource.source': TEXT,
  'leadSource.medium': TEXT,
  'leadSource.campaign': TEXT,
  'leadSource.content': TEXT,
  'leadSource.term': TEXT,
  'leadSource.affiliate': TEXT,
  'leadSource.subAffiliate': TEXT,
  'leadSource.salesAgent': TEXT,
};

/** Whether a field name is one of the coded (aggregation) columns. */
export const isCoded = (field: string): field is CodedField =>
  (CODED_FIELDS as readonly string[]).includes(field);
