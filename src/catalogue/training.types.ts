import { Field, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../graphql/connection';
import { TrainingFacets } from './search/facets';
import { AgentCategory, Modality, TrainingStatus } from './catalogue.enums';
import { TrainingSession } from './training-session.entity';
import { Training } from './training.entity';

export enum TrainingOrder {
  RELEVANCE = 'RELEVANCE',
  NEWEST = 'NEWEST',
  TITLE = 'TITLE',
  NEXT_SESSION = 'NEXT_SESSION',
}

registerEnumType(TrainingOrder, {
  name: 'TrainingOrder',
  description: 'Order of a training list.',
  valuesConfig: {
    RELEVANCE: { description: 'Best match first with a search; without one, the same as NEWEST.' },
    NEWEST: { description: 'Most recently published first.' },
    TITLE: { description: 'Alphabetical, by title.' },
    NEXT_SESSION: { description: 'Soonest upcoming session first; trainings without one last.' },
  },
});

@InputType({ description: 'Filters of the catalogue; every list given narrows the result (values of one list are alternatives).' })
export class TrainingFilter {
  @Field(() => [String], { nullable: true, description: 'Collection slugs.' })
  collections?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Partner slugs.' })
  partners?: string[] | null;

  @Field(() => [Modality], { nullable: true })
  modalities?: Modality[] | null;

  @Field(() => Boolean, { nullable: true })
  certifying?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'A session whose enrolment window is open and that is not cancelled.' })
  hasOpenSession?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Only what the signed-in user may enrol in (nothing for anonymous visitors).' })
  eligibleOnly?: boolean | null;

  @Field(() => [TrainingStatus], { nullable: true, description: 'Statuses beyond PUBLISHED only for those allowed to see them.' })
  statuses?: TrainingStatus[] | null;
}

@ObjectType({ description: 'Who may enrol; an empty list means no restriction on that axis.' })
export class AudienceRule {
  partnerIds: string[];

  @Field(() => [AgentCategory])
  categories: AgentCategory[];

  @Field(() => [String])
  functions: string[];
}

@ObjectType()
export class TrainingConnection extends ConnectionType(Training, 'Training') {
  computeFacets: () => Promise<TrainingFacets>;

  @Field(() => TrainingFacets, { description: 'Counts per filter value, computed only when asked for.' })
  get facets(): Promise<TrainingFacets> {
    return this.computeFacets();
  }
}

@ObjectType()
export class TrainingSessionConnection extends ConnectionType(TrainingSession, 'TrainingSession') {}

