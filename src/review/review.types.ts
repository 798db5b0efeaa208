import { Field, ObjectType } from 'type-graphql';
import { Training } from '../catalogue/training.entity';
import { UserError } from '../graphql/errors';
import { Review } from './review.entity';

@ObjectType()
export class ReviewPayload {
  @Field(() => Review, { nullable: true })
  review?: Review | null;

  @Field(() => Training, { nullable: true, description: 'The training after the decision (PUBLISHED once both committees approved).' })
  training?: Training | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}
