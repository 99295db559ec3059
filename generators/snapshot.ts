import type { ChurnCutDataset } from './churncut.ts';
import { type ChurnkeyDataset, type DsrColumns, DsrTable } from './churnkey-data.ts';
import { type Blueprint, generateFlows, type OfferDef } from './churnkey-flows.ts';
import { type Columns, SessionTable } from './churnkey-sessions.ts';
import type { SeededData } from './dataset.ts';
import { deriveSeed, Rng } from './random.ts';
import type { RebillyCancellations } from './rebilly-reports.ts';
import {
  type ArrayReader,
  type ArrayWriter,
  decodeTree,
  encodeTree,
  type TypedArray,
} from './typed-arrays.ts';
import { type Currency, type Customer, PLANS, type World } from './world.ts';

/**
 * The seeded data as bytes and back: typed arrays as they are, the world's customers as
 * columns (their strings in one UTF-8 block), Churnkey's flow catalogue drawn again from the
 * seed (it is the first thing its stream draws) with the sessions' codes pointing into it.
 * Decoding builds no record per session or flow, so a million sessions load in the time it
 * takes to read the bytes. `decodeSeededData(encodeSeededData(d))` equals `d` (the tests hold
 * it to that, field by field and by the dataset's hash).
 */

/** What `encodeSeededData` gives besides the arrays it added to the writer. */
export interface EncodedData {
  readonly header: SnapshotHeader;
  /** The customers' strings, UTF-8, in pieces (each ends where a string does). */
  readonly strings: readonly Uint8Array[];
  readonly stringsBytes: number;
}

export interface SnapshotHeader {
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
  /** The DSR counts as columns (`DsrColumns`, through `encodeTree`). */
  readonly dsr: unknown;
}

/** Customers whose strings are encoded into one piece. */
const CUSTOMERS_PER_SLICE = 4096;
/** Customers encoded between two calls of `pause` (well under a millisecond). */
const ROWS_PER_PAUSE = 256;

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
    }
    if (i % ROWS_PER_PAUSE === 0 && i > 0) await pause();
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

function encodeChurnkey(seed: number, data: ChurnkeyDataset, w: ArrayWriter): ChurnkeyHeader {
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
  for (const [k, a] of Object.entries(columns)) cols[k as keyof Columns] = w.add(a as TypedArray);
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
    dsr: encodeTree(data.dsr.columns, w),
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
  const columns = {} as Record<keyof Columns, TypedArray>;
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
  const dsr = new DsrTable(decodeTree(h.dsr, r) as DsrColumns);
  if (dsr.length !== customers.length) throw new Error('snapshot: DSR counts for other people');
  return { flows, sessions, dsr };
}

const noPause = () => Promise.resolve();

/**
 * The seeded data as a header and string bytes, its typed arrays added to `w` (see the
 * module's comment). `pause` is awaited between slices of the work (a server encoding beside
 * its requests).
 */
export async function encodeSeededData(
  data: SeededData,
  w: ArrayWriter,
  pause: () => Promise<void> = noPause,
): Promise<EncodedData> {
  const world = await encodeWorld(data.world, w, pause);
  const { world: churncutWorld, ...churncut } = data.churncut;
  if (churncutWorld !== data.world) throw new Error('snapshot: ChurnCut draws from another world');
  const header: SnapshotHeader = {
    world: world.header,
    churncut: encodeTree(churncut, w),
    churnkey: encodeChurnkey(data.world.seed, data.churnkey, w),
    rebilly: encodeTree(data.rebilly, w),
  };
  return {
    header,
    strings: world.strings,
    stringsBytes: world.strings.reduce((n, b) => n + b.length, 0),
  };
}

/** The seeded data back from `encodeSeededData`'s header, its arrays read from `r`. */
export function decodeSeededData(
  header: SnapshotHeader,
  r: ArrayReader,
  strings: string,
): SeededData {
  const world = decodeWorld(header.world, r, strings);
  const churncut = { ...(decodeTree(header.churncut, r) as object), world } as ChurnCutDataset;
  const churnkey = decodeChurnkey(world.seed, header.churnkey, r, world.customers);
  const rebilly = decodeTree(header.rebilly, r) as RebillyCancellations;
  return { world, churncut, churnkey, rebilly };
}
