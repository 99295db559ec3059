import type { Customer } from '../../../generators/world.ts';

/** A region the organisation's flow settings match customers against. */
export interface Region {
  readonly matchedRegion: string;
  readonly matchedRegionCode: string;
  /** The region's rules require a one-click cancel (US FTC rule, German cancel button). */
  readonly clickToCancelRule: boolean;
  /** The region is the US, where strict FTC compliance applies. */
  readonly ftc: boolean;
  /** Browser languages seen there, most common first, with weights. */
  readonly langs: readonly (readonly [string, number])[];
}

const US: Region = {
  matchedRegion: 'United States',
  matchedRegionCode: 'US',
  clickToCancelRule: true,
  ftc: true,
  langs: [
    ['en-US', 88],
    ['es-US', 10],
    ['zh-CN', 2],
  ],
};
const CANADA: Region = {
  matchedRegion: 'Canada',
  matchedRegionCode: 'CA',
  clickToCancelRule: false,
  ftc: false,
  langs: [
    ['en-CA', 75],
    ['fr-CA', 25],
  ],
};
const UK: Region = {
  matchedRegion: 'United Kingdom',
  matchedRegionCode: 'GB',
  clickToCancelRule: false,
  ftc: false,
  langs: [
    ['en-GB', 95],
    ['pl-PL', 5],
  ],
};
const EU: Region = {
  matchedRegion: 'European Union',
  matchedRegionCode: 'EU',
  clickToCancelRule: true,
  ftc: false,
  langs: [
    ['de-DE', 32],
    ['fr-FR', 22],
    ['es-ES', 16],
    ['it-IT', 12],
    ['nl-NL', 10],
    ['en-IE', 8],
  ],
};
const ROW: Region = {
  matchedRegion: 'Rest of World',
  matchedRegionCode: 'ROW',
  clickToCancelRule: false,
  ftc: false,
  langs: [
    ['en-AU', 40],
    ['pt-BR', 35],
    ['ja-JP', 25],
  ],
};

/** Languages the flow is translated into; it is written in `CONTENT_LANG`. */
export const CONTENT_LANG = 'en';
export const FLOW_LANGS: readonly string[] = ['en', 'es', 'fr', 'de', 'it', 'pt'];
/** Translations the organisation wrote itself; the others are machine translations. */
const MANUAL = new Set(['es', 'fr']);

function weighted<T>(entries: readonly (readonly [T, number])[], x: number): T {
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let acc = 0;
  for (const [v, w] of entries) {
    acc += w;
    if (x * total < acc) return v;
  }
  return (entries[entries.length - 1] as readonly [T, number])[0];
}

/** Where a customer is, mostly by the currency they pay in. */
export function regionOf(c: Customer, draw: () => number): Region {
  const x = draw();
  switch (c.subscription.currency) {
    case 'usd':
      return x < 0.85 ? US : ROW;
    case 'cad':
      return CANADA;
    case 'gbp':
      return UK;
    default:
      return EU;
  }
}

/** The primary language subtag of a BCP 47 tag (`fr-CA` → `fr`). */
export const primary = (tag: string): string => tag.split('-')[0] as string;

/** The session's language fields: detected from the browser, shown as the flow allows. */
export function languages(region: Region, detectedX: number, override: number | null) {
  const detectedLang = weighted(region.langs, detectedX);
  const base = primary(detectedLang);
  const overriddenLang =
    override === null
      ? null
      : (FLOW_LANGS.filter((l) => l !== base)[
          Math.floor(override * (FLOW_LANGS.length - 1))
        ] as string);
  const displayLang = overriddenLang ?? (FLOW_LANGS.includes(base) ? base : CONTENT_LANG);
  return {
    lang: displayLang,
    uiLang: displayLang,
    contentLang: CONTENT_LANG,
    displayLang,
    detectedLang,
    overriddenLang,
    langMismatch: primary(detectedLang) !== displayLang,
    translationType:
      displayLang === CONTENT_LANG ? 'NONE' : MANUAL.has(displayLang) ? 'MANUAL' : 'AI',
  };
}
