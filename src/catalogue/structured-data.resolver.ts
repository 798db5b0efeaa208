import { GraphQLJSONObject } from 'graphql-scalars';
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { structuredDataOf, type JsonLd } from './structured-data';
import { Training } from './training.entity';

@Resolver(() => Training)
export class TrainingStructuredDataResolver {
  @FieldResolver(() => GraphQLJSONObject, {
    description:
      'The training as schema.org `Course` JSON-LD, a JSON object for a page\'s `<script type="application/ld+json">` (serialise it escaping `<` as `\\u003c`: texts are the editors\'): provider, licence, language, the next 20 sessions not cancelled as `hasCourseInstance`.',
  })
  structuredData(@Root() training: Training, @Ctx() ctx: Context): Promise<JsonLd> {
    return structuredDataOf(ctx, training);
  }
}
