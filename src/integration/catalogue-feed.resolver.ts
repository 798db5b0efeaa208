import { Arg, Ctx, Field, FieldResolver, ID, Int, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Training } from '../catalogue/training.entity';
import type { Context } from '../context';
import { perPageItem } from '../graphql/complexity';
import { toGlobalId } from '../graphql/global-id';
import { PageInfo } from '../graphql/pagination';
import { CatalogueChange } from './catalogue-change.entity';
import { changeCursor, countChanges, listChanges } from './catalogue-feed';

@ObjectType()
class CatalogueChangeEdge {
  @Field({ description: 'Pass it as `after` to read the events that follow this one.' })
  cursor: string;

  @Field(() => CatalogueChange)
  node: CatalogueChange;
}

@ObjectType()
export class CatalogueChangeConnection {
  @Field(() => [CatalogueChangeEdge])
  edges: CatalogueChangeEdge[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;

  countTotal: () => Promise<number>;

  @Field(() => Int, { description: 'How many events the feed hands out now, from its start.' })
  get totalCount(): Promise<number> {
    return this.countTotal();
  }
}

@Resolver(() => CatalogueChange)
export class CatalogueFeedResolver {
  @Query(() => CatalogueChangeConnection, {
    complexity: perPageItem,
    description:
      'The published catalogue’s events in the order to apply them, for mirrors: resume from the last `cursor` read (or `pageInfo.endCursor`); ' +
      'an event is handed out once every transaction that could still write an earlier one has ended, so a reader never skips or repeats one.',
  })
  async catalogueChanges(
    @Ctx() ctx: Context,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
  ): Promise<CatalogueChangeConnection> {
    return Object.assign(new CatalogueChangeConnection(), await listChanges(ctx, after, first), { countTotal: () => countChanges(ctx) });
  }

  @FieldResolver(() => String, { description: 'This event’s place in the feed: pass it as `after` to resume.' })
  cursor(@Root() change: CatalogueChange): string {
    return changeCursor(change);
  }

  @FieldResolver(() => ID)
  trainingId(@Root() change: CatalogueChange): string {
    return toGlobalId('Training', change.trainingId);
  }

  @FieldResolver(() => ID, { nullable: true })
  sessionId(@Root() change: CatalogueChange): string | null {
    return change.sessionId ? toGlobalId('TrainingSession', change.sessionId) : null;
  }

  @FieldResolver(() => Training, { nullable: true, description: 'As the caller may see it now; null once it is no longer visible (archived).' })
  training(@Root() change: CatalogueChange, @Ctx() ctx: Context): Promise<Training | null> {
    return ctx.loaders.visibleTrainingById.load(change.trainingId);
  }
}
