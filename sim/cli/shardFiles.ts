/**
 * `provsim merge` at the edge: reads the shard files (regular files within the shard size limit, UTF-8 JSON) and
 * hands them to `sim/shard`, which verifies each and the set; any refusal is an `InputError`: one line naming the
 * file, exit 2, nothing written.
 */
import { mergeShards, type Merged, ShardError, type ShardFile } from '../shard/mergeShards.js';
import { InputError } from './InputError.js';
import { readInputText } from './readInput.js';

function readShardFile(file: string): ShardFile {
  const text = readInputText(file, 'shard');
  try {
    return { file, value: JSON.parse(text) as unknown };
  } catch (error) {
    // V8 names a position for most syntax errors but not for an input that simply ends ("Unexpected end of JSON
    // input"); that position is the end of the text, so the message names one either way.
    const position = /at position (\d+)/.exec((error as Error).message)?.[1] ?? String(text.length);
    throw new InputError(`${file}: not a shard report (invalid JSON at position ${position}: truncated or edited?)`);
  }
}

/** The verified, merged report of the shard files. */
export function mergeShardFiles(files: readonly string[]): Merged {
  const shards = files.map(readShardFile);
  try {
    return mergeShards(shards);
  } catch (error) {
    if (error instanceof ShardError) throw new InputError(error.message);
    throw error;
  }
}
