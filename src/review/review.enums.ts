import { registerEnumType } from 'type-graphql';
import { Role } from '../accounts/accounts.enums';

export enum Committee {
  EDITORIAL = 'EDITORIAL',
  TECHNICAL = 'TECHNICAL',
}

export enum ReviewDecision {
  APPROVE = 'APPROVE',
  REQUEST_CHANGES = 'REQUEST_CHANGES',
  REJECT = 'REJECT',
}

/** The role a reviewer must hold to speak for a committee. */
export const COMMITTEE_ROLE: Record<Committee, Role> = {
  [Committee.EDITORIAL]: Role.EDITORIAL_COMMITTEE,
  [Committee.TECHNICAL]: Role.TECHNICAL_COMMITTEE,
};

registerEnumType(Committee, { name: 'Committee', description: 'The two committees that review the offer before publication.' });
registerEnumType(ReviewDecision, {
  name: 'ReviewDecision',
  description: 'What a committee decides on a submitted version.',
  valuesConfig: {
    APPROVE: { description: 'Published once both committees approve the same submitted version.' },
    REQUEST_CHANGES: { description: 'Back to the editors; a comment is required.' },
    REJECT: { description: 'Final; a comment is required.' },
  },
});
