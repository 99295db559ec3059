import {
  type CodedField,
  LEAD_SOURCE_KEYS,
  type LeadSource,
  type RebillyCancellations,
} from '../../../generators/rebilly-reports.ts';
import type { Customer, World } from '../../../generators/world.ts';
import { lowerBound } from '../../core/search.ts';

/** A canceled subscription in Rebilly's JSON shape (for tests, debugging and the raw data). */
export interface RebillySubscription {
  readonly id: string;
  readonly customerId: string;
  readonly websiteId: string;
  readonly planId: string;
  /** ISO 4217, upper case as Rebilly writes currencies. */
  readonly currency: string;
  readonly quantity: number;
  readonly startTime: string;
  readonly canceledTime: string;
  /** Equal to canceledTime: the mock's cancellations take effect at once. */
  readonly endTime: string;
  readonly canceledBy: string;
  readonly cancelCategory: string | null;
  /** Only the tracked sub-fields; null when nothing was tracked. */
  readonly leadSource: LeadSource | null;
}

const iso = (seconds: number): string => new Date(seconds * 1000).toISOString();

/**
 * The Rebilly report's state: canceled subscriptions as compact columns sorted by cancel
 * time. The API only reads, so `reset` swaps back the seeded snapshot and bumps the version.
 */
export class RebillyReportsStore {
  readonly world: World;
  readonly #seeded: RebillyCancellations;
  #data: RebillyCancellations;
  #version = 0;

  constructor(world: World, data: RebillyCancellations) {
    this.world = world;
    this.#seeded = data;
    this.#data = data;
  }

  /** Restores the seeded snapshot. */
  reset(): void {
    this.#data = this.#seeded;
    this.#version++;
  }

  /** Changes on every write; part of the response-cache key. */
  get version(): number {
    return this.#version;
  }

  get data(): RebillyCancellations {
    return this.#data;
  }

  /** First index whose cancel time (seconds) is at least `seconds`. */
  #lowerBound(seconds: number): number {
    return lowerBound(this.#data.canceledTime, seconds, 0, this.#data.count);
  }

  /** The index range [lo, hi) of subscriptions canceled in [fromMs, toMs], both inclusive. */
  range(fromMs: number, toMs: number): [number, number] {
    if (toMs < fromMs) return [0, 0];
    return [
      this.#lowerBound(Math.ceil(fromMs / 1000)),
      this.#lowerBound(Math.floor(toMs / 1000) + 1),
    ];
  }

  /** The world customer behind subscription `i`. */
  customer(i: number): Customer {
    return this.world.customers[this.#data.customer[i] as number] as Customer;
  }

  /** The label of a coded field of subscription `i` (null when missing). */
  label(field: CodedField, i: number): string | null {
    return this.#data.labels[field][this.#data.codes[field][i] as number] ?? null;
  }

  /** Subscription `i` in Rebilly's JSON shape. */
  subscription(i: number): RebillySubscription {
    const d = this.#data;
    const c = this.customer(i);
    const lead: LeadSource = {};
    for (const k of LEAD_SOURCE_KEYS) {
      const v = this.label(`leadSource.${k}`, i);
      if (v !== null) lead[k] = v;
    }
    const canceled = iso(d.canceledTime[i] as number);
    return {
      id: c.subscription.id,
      customerId: c.id,
      websiteId: this.label('websiteId', i) ?? '',
      planId: this.label('planId', i) ?? '',
      currency: c.subscription.currency.toUpperCase(),
      quantity: c.subscription.quantity,
      startTime: iso(d.startTime[i] as number),
      canceledTime: canceled,
      endTime: canceled,
      canceledBy: this.label('canceledBy', i) ?? '',
      cancelCategory: this.label('cancelCategory', i),
      leadSource: Object.keys(lead).length ? lead : null,
    };
  }

  /** Every subscription, oldest cancellation first. */
  *subscriptions(): Generator<RebillySubscription> {
    for (let i = 0; i < this.#data.count; i++) yield this.subscription(i);
  }

  /** How many subscriptions were canceled by `now` (ms). */
  canceledUntil(now: number): number {
    return this.#lowerBound(Math.floor(now / 1000) + 1);
  }
}
