import type { ChurnCutDataset } from './churncut.ts';
import type { ChurnkeyDataset, DsrCounts } from './churnkey-data.ts';
import { type Blueprint, generateFlows, type OfferDef } from './churnkey-flows.ts';
import { type Columns, SessionTable } from './churnkey-sessions.ts';
import type { SeededData } from './dataset.ts';
import { deriveSeed, Rng } from './random.ts';
import type { RebillyCancellations } from './rebilly-reports.ts';
import { type Currency, type Customer, PLANS, type World } from './world.ts';

/**
 * The seeded data as bytes and back: typed arrays as they are, the world's customers as
 * columns (their strings in one UTF-8 block), Churnkey's flow catalogue drawn again from the
 * seed (it is the first thing its stream draws) with the sessions' codes pointing into it.
 * Decoding builds no record per session or flow, so a million sessions load in the time it
 * takes to read the bytes. `decodeSeededData(encodeSeededData(d))` equals `d` (the tests hold
 * it to that, field by field and by the dataset's hash).
 */

const TYPES = {
  Float64Array,
  Int32Array,
  Uint32Array,
  Uint16Array,
  Uint8Array,
} as const;
type TypeName = keyof typeof TYPES;
type Typed = Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array;

/** Where one typed array's bytes are: its type, byte offset (8-aligned) and length. */
type ArrayRef = readonly [TypeName, number, number];

/** What `encodeSeededData` gives: a JSON header, the arrays' bytes, the strings' bytes. */
export interface EncodedData {
  readonly header: SnapshotHeader;
  /** Every typed array, each at its header offset (8-aligned), as one run of bytes. */
  readonly arrays: readonly Uint8Array[];
  readonly arraysBytes: number;
  /** The customers' strings, UTF-8, in pieces (each ends where a string does). */
  readonly strings: readonly Uint8Array[];
  readonly stringsBytes: number;
}

export interface SnapshotHeader {
  readonly arrays: readonly ArrayRef[];
  readonly world: WorldHeader;
  readonly churncut: unknown;
  readonly churnkey: ChurnkeyHeader;
  readonly rebilly: unknown;
}

interface WorldHeader {
  readonly seed: number;
  readonly asOf: number;
  readonly scale: number;
  readonly count: number;
  readonly currencies: readonly Currency[];
  /** Offsets (UTF-16 units) of each customer's id, e-mail, name and subscription id. */
  readonly offsets: number;
  readonly created: number;
  readonly start: number;
  readonly trialEnd: number;
  readonly plan: number;
  readonly currency: number;
  readonly quantity: number;
}

interface ChurnkeyHeader {
  readonly length: number;
  readonly columns: Readonly<Record<keyof Columns, number>>;
  /** Each dictionary blueprint as its place among the catalogue's blueprints. */
  readonly blueprints: readonly number[];
  /** Each dictionary offer as its place among the catalogue's offers. */
  readonly offers: readonly number[];
  readonly accepted: readonly Record<string, string | number | null>[];
  readonly feedback: readonly string[];
  readonly dsr: Readonly<Record<keyof DsrCounts, number>>;
}

const DSR_FIELDS: readonly (keyof DsrCounts)[] = [
  'events',
  'campaigns',
  'invoices',
  'failedPayments',
  'subscriptions',
  'charges',
  'emails',
];

class ArrayWriter {
  readonly refs: ArrayRef[] = [];
  readonly parts: Uint8Array[] = [];
  bytes = 0;

  add(a: Typed): number {
    const name = a.constructor.name as TypeName;
    if (!(name in TYPES)) throw new Error(`snapshot: cannot store a ${name}`);
    const pad = (8 - (this.bytes % 8)) % 8;
    if (pad) this.parts.push(new Uint8Array(pad));
    this.bytes += pad;
    this.refs.push([name, this.bytes, a.length]);
    this.parts.push(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    this.bytes += a.byteLength;
    return this.refs.length - 1;
  }
}

class ArrayReader {
  constructor(
    readonly refs: readonly ArrayRef[],
    readonly buffer: ArrayBuffer,
    readonly base: number,
  ) {}

  get<T extends Typed>(ref: unknown): T {
    const r = typeof ref === 'number' ? this.refs[ref] : undefined;
    if (!r) throw new Error(`snapshot: no array ${String(ref)}`);
    const [name, offset, length] = r;
    const Type = TYPES[name];
    if (!Type) throw new Error(`snapshot: unknown array type ${name}`);
    return new Type(this.buffer, this.base + offset, length) as T;
  }
}

/** Plain data with typed arrays in it: each typed array becomes `{ $a: ref }`. */
function encodeTree(v: unknown, w: ArrayWriter): unknown {
  if (ArrayBuffer.isView(v)) return { $a: w.add(v as Typed) };
  if (Array.isArray(v)) return v.map((x) => encodeTree(x, w));
  if (v !== null && typeof v === 'object') {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null)
      throw new Error(`snapshot: cannot store a ${v.constructor.name}`);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encodeTree(x, w)]));
  }
  if (typeof v === 'number' && !Number.isFinite(v))
    throw new Error(`snapshot: cannot store the number ${v}`);
  return v;
}

function decodeTree(v: unknown, r: ArrayReader): unknown {
  if (Array.isArray(v)) return v.map((x) => decodeTree(x, r));
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('$a' in o) return r.get(o.$a);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, decodeTree(x, r)]));
  }
  return v;
}

/** Customers encoded between two pauses (a few milliseconds of work). */
const CUSTOMERS_PER_SLICE = 4096;

async function encodeWorld(
  world: World,
  w: ArrayWriter,
  pause: () => Promise<void>,
): Promise<{ header: WorldHeader; strings: Uint8Array[] }> {
  const n = world.customers.length;
  const currencies: Currency[] = [];
  const planIndex = new Map(PLANS.map((p, i) => [p.id, i]));
  const offsets = new Uint32Array(4 * n + 1);
  const created = new Float64Array(n);
  const start = new Float64Array(n);
  const trialEnd = new Float64Array(n);
  const plan = new Uint8Array(n);
  const currency = new Uint8Array(n);
  const quantity = new Uint16Array(n);
  const strings: Uint8Array[] = [];
  let texts: string[] = [];
  let at = 0;
  const text = (k: number, t: string) => {
    offsets[k] = at;
    texts.push(t);
    at += t.length;
  };
  for (let i = 0; i < n; i++) {
    if (i % CUSTOMERS_PER_SLICE === 0 && i > 0) {
      strings.push(Buffer.from(texts.join(''), 'utf8'));
      texts = [];
      await pause();
    }
    const c = world.customers[i] as Customer;
    if (c.index !== i) throw new Error(`snapshot: customer ${c.id} is not at its index`);
    const s = c.subscription;
    text(4 * i, c.id);
    text(4 * i + 1, c.email);
    text(4 * i + 2, c.name);
    text(4 * i + 3, s.id);
    created[i] = c.created;
    start[i] = s.start;
    trialEnd[i] = s.trialEnd ?? Number.NaN;
    const p = planIndex.get(s.plan.id);
    if (p === undefined || PLANS[p]?.id !== s.plan.id)
      throw new Error(`snapshot: plan ${s.plan.id} is not in the catalogue`);
    plan[i] = p;
    let k = currencies.indexOf(s.currency);
    if (k < 0) k = currencies.push(s.currency) - 1;
    currency[i] = k;
    if (s.quantity > 0xffff || !Number.isInteger(s.quantity))
      throw new Error(`snapshot: quantity ${s.quantity}`);
    quantity[i] = s.quantity;
  }
  strings.push(Buffer.from(texts.join(''), 'utf8'));
  offsets[4 * n] = at;
  return {
    header: {
      seed: world.seed,
      asOf: world.asOf,
      scale: world.scale,
      count: n,
      currencies,
      offsets: w.add(offsets),
      created: w.add(created),
      start: w.add(start),
      trialEnd: w.add(trialEnd),
      plan: w.add(plan),
      currency: w.add(currency),
      quantity: w.add(quantity),
    },
    strings,
  };
}

function decodeWorld(h: WorldHeader, r: ArrayReader, text: string): World {
  const offsets = r.get<Uint32Array>(h.offsets);
  const created = r.get<Float64Array>(h.created);
  const start = r.get<Float64Array>(h.start);
  const trialEnd = r.get<Float64Array>(h.trialEnd);
  const plan = r.get<Uint8Array>(h.plan);
  const currency = r.get<Uint8Array>(h.currency);
  const quantity = r.get<Uint16Array>(h.quantity);
  if (offsets[4 * h.count] !== text.length) throw new Error('snapshot: customer strings differ');
  const str = (k: number) => text.slice(offsets[k], offsets[k + 1]);
  const customers: Customer[] = new Array(h.count);
  for (let i = 0; i < h.count; i++) {
    const t = trialEnd[i] as number;
    const p = PLANS[plan[i] as number];
    const cur = h.currencies[currency[i] as number];
    if (!p || !cur) throw new Error(`snapshot: customer ${i} has no plan or currency`);
    customers[i] = {
      index: i,
      id: str(4 * i),
      email: str(4 * i + 1),
      name: str(4 * i + 2),
      created: created[i] as number,
      subscription: {
        id: str(4 * i + 3),
        plan: p,
        currency: cur,
        quantity: quantity[i] as number,
        start: start[i] as number,
        trialEnd: Number.isNaN(t) ? null : t,
      },
    };
  }
  return { seed: h.seed, asOf: h.asOf, scale: h.scale, plans: PLANS, customers };
}

/** The catalogue's blueprints and offers in one fixed order (what the codes point into). */
function catalogueParts(flows: ChurnkeyDataset['flows']): {
  blueprints: Blueprint[];
  offers: OfferDef[];
} {
  const blueprints = Object.values(flows.blueprints).flat();
  const offers: OfferDef[] = [];
  for (const b of blueprints)
    for (const o of [b.firstOffer, ...b.surveyOffers.values()])
      if (!offers.includes(o)) offers.push(o);
  return { blueprints, offers };
}

/** Churnkey's catalogue as its generator draws it first from the dataset's stream. */
const catalogueOf = (seed: number) => generateFlows(new Rng(deriveSeed(seed, 'churnkey-data')));

async function encodeChurnkey(
  seed: number,
  data: ChurnkeyDataset,
  w: ArrayWriter,
  pause: () => Promise<void>,
): Promise<ChurnkeyHeader> {
  const { columns, dicts } = data.sessions.parts;
  const again = catalogueParts(catalogueOf(seed));
  const mine = catalogueParts(data.flows);
  const placeOf = <T extends { readonly id?: string; readonly guid?: string }>(
    list: readonly T[],
    v: T,
    what: string,
  ): number => {
    const i = list.indexOf(v);
    if (i < 0) throw new Error(`snapshot: a session ${what} is not in the catalogue`);
    return i;
  };
  if (dicts.choices !== data.flows.choices)
    throw new Error('snapshot: the sessions use another survey');
  const cols = {} as Record<keyof Columns, number>;
  for (const [k, a] of Object.entries(columns)) cols[k as keyof Columns] = w.add(a as Typed);
  const counts = DSR_FIELDS.map(() => new Int32Array(data.dsr.length));
  const [events, campaigns, invoices, failed, subscriptions, charges, emails] = counts as [
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
  ];
  for (let i = 0; i < data.dsr.length; i++) {
    if (i % (4 * CUSTOMERS_PER_SLICE) === 0) await pause();
    const d = data.dsr[i] as DsrCounts;
    events[i] = d.events;
    campaigns[i] = d.campaigns;
    invoices[i] = d.invoices;
    failed[i] = d.failedPayments;
    subscriptions[i] = d.subscriptions;
    charges[i] = d.charges;
    emails[i] = d.emails;
  }
  const dsr = {} as Record<keyof DsrCounts, number>;
  DSR_FIELDS.forEach((f, k) => {
    dsr[f] = w.add(counts[k] as Int32Array);
  });
  // The catalogue drawn again must be the one the sessions point into.
  if (JSON.stringify(again.offers) !== JSON.stringify(mine.offers))
    throw new Error('snapshot: the flow catalogue does not come from the seed');
  return {
    length: data.sessions.length,
    columns: cols,
    blueprints: dicts.blueprints.map((b) => placeOf(mine.blueprints, b, 'blueprint')),
    offers: dicts.offers.map((o) => placeOf(mine.offers, o, 'offer')),
    accepted: dicts.accepted.map((a) => ({ ...a })),
    feedback: [...dicts.feedback],
    dsr,
  };
}

function decodeChurnkey(
  seed: number,
  h: ChurnkeyHeader,
  r: ArrayReader,
  customers: readonly Customer[],
): ChurnkeyDataset {
  const flows = catalogueOf(seed);
  const { blueprints, offers } = catalogueParts(flows);
  const pick = <T>(list: readonly T[], i: number): T => {
    const v = list[i];
    if (v === undefined) throw new Error(`snapshot: no catalogue entry ${i}`);
    return v;
  };
  const columns = {} as Record<keyof Columns, Typed>;
  for (const [k, ref] of Object.entries(h.columns)) columns[k as keyof Columns] = r.get(ref);
  const sessions = new SessionTable(
    h.length,
    columns as unknown as Columns,
    {
      blueprints: h.blueprints.map((i) => pick(blueprints, i)),
      offers: h.offers.map((i) => pick(offers, i)),
      accepted: h.accepted.map((a) => Object.freeze(a)),
      choices: flows.choices,
      feedback: h.feedback,
    },
    customers,
  );
  const fields = DSR_FIELDS.map((f) => r.get<Int32Array>(h.dsr[f]));
  const [events, campaigns, invoices, failed, subscriptions, charges, emails] = fields as [
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
  ];
  const dsr: DsrCounts[] = new Array(customers.length);
  for (let i = 0; i < customers.length; i++)
    dsr[i] = {
      events: events[i] as number,
      campaigns: campaigns[i] as number,
      invoices: invoices[i] as number,
      failedPayments: failed[i] as number,
      subscriptions: subscriptions[i] as number,
      charges: charges[i] as number,
      emails: emails[i] as number,
    };
  return { flows, sessions, dsr };
}

const noPause = () => Promise.resolve();

/**
 * The seeded data as a header, array bytes and string bytes (see the module's comment).
 * `pause` is awaited between slices of the work (a server encoding beside its requests).
 */
export async function encodeSeededData(
  data: SeededData,
  pause: () => Promise<void> = noPause,
): Promise<EncodedData> {
  const w = new ArrayWriter();
  const world = await encodeWorld(data.world, w, pause);
  const { world: churncutWorld, ...churncut } = data.churncut;
  if (churncutWorld !== data.world) throw new Error('snapshot: ChurnCut draws from another world');
  const header: SnapshotHeader = {
    arrays: w.refs,
    world: world.header,
    churncut: encodeTree(churncut, w),
    churnkey: await encodeChurnkey(data.world.seed, data.churnkey, w, pause),
    rebilly: encodeTree(data.rebilly, w),
  };
  return {
    header,
    arrays: w.parts,
    arraysBytes: w.bytes,
    strings: world.strings,
    stringsBytes: world.strings.reduce((n, b) => n + b.length, 0),
  };
}

/**
 * The seeded data back from `encodeSeededData`'s parts: `arrays` must hold the array bytes
 * at an 8-aligned offset `base` (the arrays are views of it, not copies).
 */
export function decodeSeededData(
  header: SnapshotHeader,
  arrays: ArrayBuffer,
  base: number,
  strings: string,
): SeededData {
  if (base % 8 !== 0) throw new Error('snapshot: arrays must start 8-aligned');
  const r = new ArrayReader(header.arrays, arrays, base);
  const world = decodeWorld(header.world, r, strings);
  const churncut = { ...(decodeTree(header.churncut, r) as object), world } as ChurnCutDataset;
  const churnkey = decodeChurnkey(world.seed, header.churnkey, r, world.customers);
  const rebilly = decodeTree(header.rebilly, r) as RebillyCancellations;
  return { world, churncut, churnkey, rebilly };
}
