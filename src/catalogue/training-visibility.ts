import type { Viewer } from '../auth/viewer';
import { TrainingStatus } from './catalogue.enums';

/**
 * The statuses a viewer may see. Anonymous visitors and agents see published trainings only;
 * nobody else learns that drafts or trainings in review exist.
 */
export function visibleStatuses(_viewer: Viewer): TrainingStatus[] {
  return [TrainingStatus.PUBLISHED];
}

/** `statuses` only narrows what the viewer may already see; absent, it means the published ones. */
export function requestedStatuses(viewer: Viewer, requested: TrainingStatus[] | null | undefined): TrainingStatus[] {
  const visible = visibleStatuses(viewer);
  if (!requested?.length) return visible.includes(TrainingStatus.PUBLISHED) ? [TrainingStatus.PUBLISHED] : visible;
  return requested.filter(status => visible.includes(status));
}
