import { IsDate, IsInt, IsOptional, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { present } from '../graphql/validation';

@InputType({ description: 'Changes to a session: every SessionInput field but trainingId; absent fields stay as they are.' })
export class SessionUpdateInput {
  @Field(() => Date, { nullable: true })
  @ValidateIf(present)
  @IsDate({ message: 'La date de début est obligatoire.' })
  startsAt?: Date | null;

  @Field(() => Date, { nullable: true })
  @ValidateIf(present)
  @IsDate({ message: 'La date de fin est obligatoire.' })
  endsAt?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Absent on creation (or null): enrolment opens now.' })
  @IsOptional()
  @IsDate()
  enrolmentOpensAt?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Absent on creation (or null): enrolment closes when the session starts.' })
  @IsOptional()
  @IsDate()
  enrolmentClosesAt?: Date | null;

  @Field(() => Int, { nullable: true, description: 'Seats, at least 1; null = unlimited. Cannot go below the seats already taken.' })
  @IsOptional()
  @IsInt({ message: 'La capacité est un nombre entier de places.' })
  @Min(1, { message: 'La capacité est d’au moins une place (ou illimitée : null).' })
  @Max(100_000, { message: 'La capacité est d’au plus 100 000 places.' })
  capacity?: number | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(300, { message: 'Le lieu compte au plus 300 caractères.' })
  location?: string | null;
}

@InputType({ description: 'A new session of a training.' })
export class SessionInput extends SessionUpdateInput {
  @Field(() => ID)
  trainingId: string;

  @Field(() => Date)
  declare startsAt: Date;

  @Field(() => Date)
  declare endsAt: Date;
}
