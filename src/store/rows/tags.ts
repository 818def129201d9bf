/** Tags columns shared by both store backends: tags are kept as JSON text of `[{Key, Value}]`. */
import type { Tag } from '../store.js';

/** Parses a tags JSON column. */
export function parseTags(text: string): Tag[] {
  return JSON.parse(text) as Tag[];
}

/** Serializes tags to their JSON column (only Key/Value, in order). */
export function tagsJson(tags: readonly Tag[] | undefined): string {
  return JSON.stringify((tags ?? []).map((t) => ({ Key: t.Key, Value: t.Value })));
}
