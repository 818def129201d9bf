/**
 * Tag…, Untag… and List…Tags for one kind of taggable IAM entity. The input is checked first (reserved `aws:` keys and
 * values, duplicates); then finding the entity, merging or pruning its tags and saving them run in one store
 * transaction, so concurrent Tag/Untag calls on the same entity serialize and none loses another's change.
 */
import type { Tag } from '../../store/store.js';
import type { Operation, OperationContext } from '../types.js';
import { checkTagKeys, createTags, mergeTags, paginate, removeTags, type Input, type TagKeyCase } from './common.js';

/** The three operation names of a kind, e.g. TagUser / UntagUser / ListUserTags. */
export interface TagOperationNames {
  tag: string;
  untag: string;
  list: string;
}

/**
 * Builds the kind's tag operations over `find` (throws NoSuchEntity) and `save` (writes the new tag list); `keyCase`
 * is how the kind compares tag keys (users and roles without case, every other kind exactly).
 */
export function tagOperations<E extends { tags: Tag[] }>(
  names: TagOperationNames,
  find: (ctx: OperationContext, input: Input) => Promise<E>,
  save: (ctx: OperationContext, entity: E, tags: Tag[]) => Promise<void>,
  keyCase: TagKeyCase = 'insensitive',
): Record<string, Operation> {
  return {
    [names.tag]: async (ctx, input: Input) => {
      const add = createTags(input['Tags'], keyCase);
      await ctx.store.transaction(async () => {
        const e = await find(ctx, input);
        await save(ctx, e, mergeTags(e.tags, add, keyCase));
      });
      return {};
    },
    [names.untag]: async (ctx, input: Input) => {
      const keys: string[] | undefined = input['TagKeys'];
      checkTagKeys(keys);
      await ctx.store.transaction(async () => {
        const e = await find(ctx, input);
        await save(ctx, e, removeTags(e.tags, keys, keyCase));
      });
      return {};
    },
    [names.list]: async (ctx, input: Input) => {
      const page = paginate((await find(ctx, input)).tags, input);
      return { Tags: page.items, IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
    },
  };
}
