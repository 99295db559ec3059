import { REGISTRY } from '../mock/registry.ts';
import { type Child, stop } from './servers.ts';
import { startChurnmock } from './start-servers.ts';
import { fmtMs } from './stats.ts';
import { failed, info, type Row } from './table.ts';
import { fmtThroughput, LOAD, measureThroughput } from './throughput.ts';

/**
 * What the request journal costs: the same cached list (the fast path, where any per-request
 * work shows most) from a mock with the journal (the default) and one started `--no-journal`,
 * each in its own process, measured in interleaved rounds.
 */
export async function runJournalCost(): Promise<Row[]> {
  const sample = REGISTRY.vendors.find((v) => v.id === 'churnkey-data')?.sample;
  if (!sample) return [failed('journal cost', new Error('no Churnkey sample request'))];
  console.log(
    `\n== request journal: GET ${sample.path} from churnmock with and without --no-journal: ` +
      `${LOAD.connections} connections, ${LOAD.rounds} interleaved rounds of ${LOAD.roundSeconds} s ==`,
  );
  const children: Child[] = [];
  try {
    const on = await startChurnmock(1, undefined, ['--no-rate-limit']);
    children.push(on);
    const off = await startChurnmock(1, undefined, ['--no-rate-limit', '--no-journal']);
    children.push(off);
    const [withJournal, without] = await measureThroughput([
      { name: 'churnmock (journal on)', url: `${on.base}${sample.path}`, headers: sample.headers },
      { name: 'churnmock --no-journal', url: `${off.base}${sample.path}`, headers: sample.headers },
    ]);
    if (!withJournal || !without) throw new Error('throughput not measured');
    for (const t of [withJournal, without]) console.log(fmtThroughput(t));
    const ratio = withJournal.rps / without.rps;
    return [
      info(
        'journal cost (cached GET, req/s with / without)',
        `${withJournal.rps.toFixed(0)} / ${without.rps.toFixed(0)} req/s = ${ratio.toFixed(3)}× ` +
          `(p99 ${fmtMs(withJournal.p99)} / ${fmtMs(without.p99)})`,
        'reported',
      ),
    ];
  } catch (err) {
    console.error('journal cost phase failed:', err);
    return [failed('journal cost', err)];
  } finally {
    await Promise.all(children.map((c) => stop(c)));
  }
}
