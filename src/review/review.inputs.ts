import { IsOptional, MaxLength } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { Committee, ReviewDecision } from './review.enums';

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
