/**
 * `provsim merge`: the shard files of one run, of whichever command wrote them (told apart by their `kind`), each
 * verified and the set checked, merged into exactly the report one run writes. Pure; a refusal is a `ShardError`.
 */
import type { FleetReport } from '../fleet/report/FleetReport.js';
import type { RemediateReport } from '../remediate/runRemediate.js';
import { mergeFleetShards } from './fleetShards.js';
import { mergeRemediateShards } from './remediateShards.js';
import { checkEnvelope, SHARD_KINDS, ShardError, type ShardFile } from './shardSet.js';

export type Merged =
  | { readonly kind: 'provsim-fleet-report'; readonly report: FleetReport }
  | { readonly kind: 'provsim-remediate-report'; readonly report: RemediateReport };

/** Verifies every shard file and merges them; all must be of the first one's kind. */
export function mergeShards(files: readonly ShardFile[]): Merged {
  const kinds = files.map(checkEnvelope);
  const kind = kinds[0];
  if (kind === undefined) throw new ShardError('merge needs the shard files of one run');
  kinds.forEach((k, i) => {
    if (k !== kind) {
      throw new ShardError(
        `${files[i]?.file}: a ${SHARD_KINDS[k].noun} shard, but ${files[0]?.file} is a ${SHARD_KINDS[kind].noun} shard; merge the shards of one run`,
      );
    }
  });
  return kind === 'provsim-fleet-report'
    ? { kind, report: mergeFleetShards(files) }
    : { kind, report: mergeRemediateShards(files) };
}

export { ShardError, type ShardFile } from './shardSet.js';
export { sealShard } from './digest.js';
export { fleetDigest } from './remediateShards.js';
