import { Field, ObjectType } from 'type-graphql';
import { ConnectionType } from '../graphql/connection';
import { UserError } from '../graphql/errors';
import { TrainingFacets } from './search/facets';
import { AgentCategory } from './catalogue.enums';
import { TrainingSession } from './training-session.entity';
import { Training } from './training.entity';
import { PublicCatalogue } from '../graphql/cache-control';

@PublicCatalogue()
@ObjectType({ description: 'Who may enrol; an empty list means no restriction on that axis.' })
export class AudienceRule {
  partnerIds: string[];

  @Field(() => [AgentCategory])
  categories: AgentCategory[];

  @Field(() => [String])
  functions: string[];
}

@PublicCatalogue()
@ObjectType()
export class TrainingConnection extends ConnectionType(Training, 'Training') {
  computeFacets: () => Promise<TrainingFacets>;

  // Priced by the list that computes them (`catalogueReads`), once: their lists are one statement's rows.
  @Field(() => TrainingFacets, { description: 'Counts per filter value, computed only when asked for.', complexity: () => 0 })
  get facets(): Promise<TrainingFacets> {
    return this.computeFacets();
  }
}

@PublicCatalogue()
@ObjectType()
export class TrainingSessionConnection extends ConnectionType(TrainingSession, 'TrainingSession') {}

@ObjectType()
export class TrainingPayload {
  @Field(() => Training, { nullable: true })
  training?: Training | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}
