import { Role } from '../accounts/accounts.enums';
import { grantsInclude, type Grant } from '../auth/viewer';
import { TrainingStatus } from './catalogue.enums';
import type { Predicate } from './search/predicate';

/**
 * What a viewer sees beyond published trainings: committees and admins every training, editors
 * their partners' trainings in every status. Anonymous visitors, agents and API clients see
 * published trainings only; nobody else learns that drafts or trainings in review exist.
 */
export interface TrainingVisibility {
  everything: boolean;
  partnerIds: string[];
}

export function visibilityOf(grants: readonly Grant[]): TrainingVisibility {
  const everything = [Role.ADMIN, Role.EDITORIAL_COMMITTEE, Role.TECHNICAL_COMMITTEE].some(role => grantsInclude(grants, role));
  const partnerIds = grants.filter(grant => grant.role === Role.EDITOR && grant.partnerId !== null).map(grant => grant.partnerId!);
  return { everything, partnerIds };
}

export function canSeeTraining(visibility: TrainingVisibility, training: { status: TrainingStatus; partnerId: string }): boolean {
  return training.status === TrainingStatus.PUBLISHED || visibility.everything || visibility.partnerIds.includes(training.partnerId);
}

/** Whether the viewer may edit this partner's trainings: its editors and admins. */
export function mayEdit(grants: readonly Grant[], partnerId: string): boolean {
  return grantsInclude(grants, Role.ADMIN) || grants.some(grant => grant.role === Role.EDITOR && grant.partnerId === partnerId);
}

/**
 * The SQL condition over `t` of what the viewer may see among the statuses asked for: `statuses`
 * (default: published only, the catalogue) never widens what the viewer may see.
 */
export function visibilityPredicate(visibility: TrainingVisibility, requested: TrainingStatus[] | null | undefined): Predicate {
  const statuses = requested?.length ? requested : [TrainingStatus.PUBLISHED];
  const status = { sql: 't.status = ANY(CAST(:statuses AS training_status_enum[]))', params: { statuses } };
  if (visibility.everything) return status;
  if (visibility.partnerIds.length === 0) {
    return statuses.includes(TrainingStatus.PUBLISHED) ? { sql: "t.status = 'PUBLISHED'", params: {} } : { sql: 'false', params: {} };
  }
  return {
    sql: `${status.sql} AND (t.status = 'PUBLISHED' OR t.partner_id = ANY(CAST(:visiblePartnerIds AS uuid[])))`,
    params: { statuses, visiblePartnerIds: visibility.partnerIds },
  };
}

