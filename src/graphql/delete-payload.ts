import { Field, ID, ObjectType } from 'type-graphql';
import { UserError } from './errors';

/** The answer of a mutation that deletes one object: its id once deleted, else the refusals. */
@ObjectType({ simpleResolvers: true, description: 'What a deletion answers: the id of what it deleted, or why it did not.' })
export class DeletePayload {
  @Field(() => ID, { nullable: true, description: 'The global id of the deleted object; null when the deletion was refused.' })
  deletedId?: string | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}
