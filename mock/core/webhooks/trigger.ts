import type {
  Trigger,
  TriggerRefusal,
  VendorDefinition,
  VendorInstance,
  WebhookEventInfo,
} from '../vendor.ts';

/** One event type that can be triggered, with the vendor that sends it. */
export interface TriggerEntry extends WebhookEventInfo {
  /** The id of the vendor that sends it. */
  readonly vendor: string;
  readonly trigger: Trigger;
}

/** Every event type that can be triggered, by type, in the registry's order. */
export type TriggerTable = ReadonlyMap<string, TriggerEntry>;

/** The event types the definitions declare, with their vendor's id, in the registry's order. */
export function webhookEventsOf(
  definitions: readonly Pick<VendorDefinition, 'id' | 'webhookEvents'>[],
): (WebhookEventInfo & { readonly vendor: string })[] {
  return definitions.flatMap((d) => (d.webhookEvents ?? []).map((e) => ({ ...e, vendor: d.id })));
}

/**
 * The merged table of every built vendor's triggers. Throws when an instance's triggers are not
 * exactly its definition's `webhookEvents`, or when two vendors declare the same event type
 * (the trigger endpoint names events without their vendor).
 */
export function triggerTable(
  built: readonly {
    readonly definition: Pick<VendorDefinition, 'id' | 'webhookEvents'>;
    readonly instance: Pick<VendorInstance, 'triggers'>;
  }[],
): TriggerTable {
  const table = new Map<string, TriggerEntry>();
  for (const { definition, instance } of built) {
    const declared = (definition.webhookEvents ?? []).map((e) => e.event);
    const given = Object.keys(instance.triggers ?? {});
    if ([...declared].sort().join() !== [...given].sort().join())
      throw new Error(
        `Vendor "${definition.id}" declares the webhook events [${declared.join(', ')}] but its triggers are [${given.join(', ')}]`,
      );
    for (const info of definition.webhookEvents ?? []) {
      const had = table.get(info.event);
      if (had)
        throw new Error(
          `Webhook event "${info.event}" is declared by both "${had.vendor}" and "${definition.id}"`,
        );
      const trigger = instance.triggers?.[info.event] as Trigger;
      table.set(info.event, { ...info, vendor: definition.id, trigger });
    }
  }
  return table;
}

/** A trigger's refusal (as opposed to a triggered event). */
export function isRefusal(r: object): r is TriggerRefusal {
  return 'refused' in r;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `patch` deep-merged over `base`, neither changed: where both hold an object the two merge key
 * by key; anything else in `patch` (a string, a number, an array, `null`) replaces what `base`
 * has, and keys `base` lacks are added. Unlike a JSON Merge Patch, `null` sets a null.
 */
export function deepMerge<T>(base: T, patch: Readonly<Record<string, unknown>> | undefined): T {
  if (patch === undefined || !isPlainObject(base)) return base;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const had = Object.hasOwn(out, key) ? out[key] : undefined;
    const merged =
      isPlainObject(had) && isPlainObject(value) ? deepMerge(had, value) : structuredClone(value);
    // Defined, not assigned: a `__proto__` key is a key like any other, never the prototype.
    Object.defineProperty(out, key, {
      value: merged,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out as T;
}
