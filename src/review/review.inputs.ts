import { IsOptional, MaxLength } from 'class-validator';
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { Training } from '../catalogue/training.entity';
import { UserError } from '../graphql/errors';
import { Committee, ReviewDecision } from './review.enums';
import { Review } from './review.entity';

@InputType({ description: "A committee's decision on the submitted version of a training (or of its pending revision)." })
export class ReviewInput {
  @Field(() => ID)
  trainingId: string;

  @Field(() => Committee, { description: 'The committee the caller speaks for: the caller must hold its role.' })
  committee: Committee;

  @Field(() => ReviewDecision)
  decision: ReviewDecision;

  @Field(() => String, { nullable: true, description: 'Required with REQUEST_CHANGES and REJECT: what the editors must know.' })
  @IsOptional()
  @MaxLength(5000, { message: 'Le commentaire compte au plus 5 000 caractères.' })
  comment?: string | null;
}

@ObjectType()
export class ReviewPayload {
  @Field(() => Review, { nullable: true })
  review?: Review | null;

  @Field(() => Training, { nullable: true, description: 'The training after the decision (PUBLISHED once both committees approved).' })
  training?: Training | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}
