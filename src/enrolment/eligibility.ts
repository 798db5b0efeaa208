import { ObjectType, Field } from 'type-graphql';
import { AgentCategory } from '../catalogue/catalogue.enums';
import type { TrainingSheet } from '../catalogue/training-sheet';

/** What the audience rule looks at in an agent's profile. */
export interface AgentProfile {
  /** An account counts as its employer's agent only once it proved its mailbox. */
  emailVerified: boolean;
  employerId: string | null;
  category: AgentCategory | null;
  functions: string[];
}

@ObjectType({ description: 'Whether the signed-in user matches a training’s audience rule, and if not, why.' })
export class Eligibility {
  @Field()
  eligible: boolean;

  @Field(() => [String], { description: 'Why not, in French, one sentence per unmet condition.' })
  reasons: string[];
}

const CATEGORY_LABELS: Record<AgentCategory, string> = {
  [AgentCategory.A]: 'de catégorie A',
  [AgentCategory.B]: 'de catégorie B',
  [AgentCategory.C]: 'de catégorie C',
  [AgentCategory.CONTRACT]: 'contractuels',
  [AgentCategory.STUDENT]: 'en formation initiale',
  [AgentCategory.OTHER]: 'd’autres statuts',
};

export const UNVERIFIED_REASON = 'Confirmez d’abord votre adresse e-mail avec le lien reçu à l’inscription (ou demandez-en un nouveau).';

/** "a", "a ou b", "a, b ou c". */
function alternatives(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ou ${items[items.length - 1]}`;
}

type AudienceRule = Pick<TrainingSheet, 'audiencePartnerIds' | 'audienceCategories' | 'audienceFunctions'>;

/**
 * The audience rule against an agent's profile: employer among the partners, category among the
 * categories, one of the functions; an empty list does not restrict. An unverified account is
 * eligible to nothing. Reasons say what is missing.
 */
export function eligibilityOf(rule: AudienceRule, agent: AgentProfile, partnerName: (id: string) => string): Eligibility {
  const reasons: string[] = [];
  if (!agent.emailVerified) reasons.push(UNVERIFIED_REASON);
  if (rule.audiencePartnerIds.length > 0 && (agent.employerId === null || !rule.audiencePartnerIds.includes(agent.employerId))) {
    reasons.push(`Réservée aux agents de : ${alternatives(rule.audiencePartnerIds.map(partnerName))}.`);
  }
  if (rule.audienceCategories.length > 0 && (agent.category === null || !rule.audienceCategories.includes(agent.category))) {
    const unknown = agent.category === null ? ' Indiquez votre catégorie dans votre profil.' : '';
    reasons.push(`Réservée aux agents ${alternatives(rule.audienceCategories.map(category => CATEGORY_LABELS[category]))}.${unknown}`);
  }
  if (rule.audienceFunctions.length > 0 && !rule.audienceFunctions.some(entry => agent.functions.includes(entry))) {
    const unknown = agent.functions.length === 0 ? ' Indiquez vos fonctions dans votre profil.' : '';
    reasons.push(`Réservée aux fonctions : ${alternatives(rule.audienceFunctions)}.${unknown}`);
  }
  return Object.assign(new Eligibility(), { eligible: reasons.length === 0, reasons });
}
