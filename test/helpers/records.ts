import { generateChurnkeyData, type SessionRecord } from '../../generators/churnkey-data.ts';
import { generateWorld } from '../../generators/world.ts';

const small = generateChurnkeyData(
  generateWorld({ seed: 7, asOf: Date.parse('2025-12-31T00:00:00Z'), scale: 0.05 }),
);
const smallSessions = small.sessions.toArray();
const template = smallSessions.find((s) => s.canceled && !s.accepted) as SessionRecord;
const pause = smallSessions.find((s) => s.accepted?.offerType === 'PAUSE')?.accepted ?? null;

export type Outcome = 'cancel' | 'pause' | 'abort';

/** A session record for table tests: a real generated one with the fields a case cares about. */
export function record(
  id: string,
  createdAt: string,
  outcome: Outcome,
  customerId = 'cus_test',
): SessionRecord {
  return {
    ...template,
    id,
    customer: { ...template.customer, id: customerId },
    createdAt: Date.parse(createdAt),
    canceled: outcome === 'cancel',
    aborted: outcome === 'abort',
    accepted: outcome === 'pause' ? pause : null,
    bounced: false,
  };
}
