import { Field, ObjectType } from 'type-graphql';
import { UserError } from '../graphql/errors';
import { TrainingSession } from './training-session.entity';

@ObjectType()
export class SessionPayload {
  @Field(() => TrainingSession, { nullable: true })
  session?: TrainingSession | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}
