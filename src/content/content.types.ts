import { Field, ObjectType } from 'type-graphql';
import { UserError } from '../graphql/errors';
import { FaqEntry } from './faq-entry.entity';
import { TourStep } from './tour-step.entity';

@ObjectType({ simpleResolvers: true })
export class FaqEntryPayload {
  @Field(() => FaqEntry, { nullable: true })
  faqEntry?: FaqEntry | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}

@ObjectType({ simpleResolvers: true })
export class TourStepPayload {
  @Field(() => TourStep, { nullable: true })
  tourStep?: TourStep | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}
