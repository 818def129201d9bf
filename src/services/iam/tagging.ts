/** Tag…, Untag… and List…Tags for one kind of taggable IAM entity: find it, then save its merged or pruned tags. */
import type { Tag } from '../../store/store.js';
import type { Operation, OperationContext } from '../types.js';
import { mergeTags, paginate, removeTags, type Input } from './common.js';

/** The three operation names of a kind, e.g. TagUser / UntagUser / ListUserTags. */
export interface TagOperationNames {
  tag: string;
  untag: string;
  list: string;
}

/** Builds the kind's tag operations over `find` (throws NoSuchEntity) and `save` (writes the new tag list). */
export function tagOperations<E extends { tags: Tag[] }>(
  names: TagOperationNames,
  find: (ctx: OperationContext, input: Input) => Promise<E>,
  save: (ctx: OperationContext, entity: E, tags: Tag[]) => Promise<void>,
): Record<string, Operation> {
  return {
    [names.tag]: async (ctx, input: Input) => {
      const e = await find(ctx, input);
      await save(ctx, e, mergeTags(e.tags, input['Tags']));
      return {};
    },
    [names.untag]: async (ctx, input: Input) => {
      const e = await find(ctx, input);
      await save(ctx, e, removeTags(e.tags, input['TagKeys']));
      return {};
    },
    [names.list]: async (ctx, input: Input) => {
      const page = paginate((await find(ctx, input)).tags, input);
      return { Tags: page.items, IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
    },
  };
}
