// Seeded flow ids are an invertible scramble of the flow's index, so 200k+ seeded flows need no
// id map: `flow_` + 7 base-36 digits of (index ^ K) * M mod 2^32.
const K = 0x5bd1e995;
const M = 0x9e3779b1;
const M_INVERSE = (() => {
  let inv = M;
  for (let i = 0; i < 5; i++) inv = Math.imul(inv, 2 - Math.imul(M, inv));
  return inv;
})();
const SEEDED = /^flow_[0-9a-z]{7}$/;

/** The id of seeded flow number `index`. */
export function seededFlowId(index: number): string {
  return `flow_${(Math.imul(index ^ K, M) >>> 0).toString(36).padStart(7, '0')}`;
}

/** The index of a seeded flow id, or -1 when `id` is not one (or beyond `count`). */
export function seededFlowIndex(id: string, count: number): number {
  if (!SEEDED.test(id)) return -1;
  const index = ((Math.imul(Number.parseInt(id.slice(5), 36), M_INVERSE) >>> 0) ^ K) >>> 0;
  return index < count && seededFlowId(index) === id ? index : -1;
}
