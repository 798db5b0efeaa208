import type { EntityManager } from 'typeorm';
import { recordChanges } from '../../integration/catalogue-changes';
import { ChangeType } from '../../integration/integration.enums';
import { TrainingStatus } from '../../catalogue/catalogue.enums';
import { Collection } from '../../catalogue/collection.entity';
import { Licence } from '../../catalogue/licence.entity';
import { Partner } from '../../catalogue/partner.entity';
import { slugify } from '../../catalogue/slug';
import { TrainingSession } from '../../catalogue/training-session.entity';
import { Training } from '../../catalogue/training.entity';
import type { DemoSession, DemoTraining } from './demo.types';
import { agricultureAndDigitalTrainings } from './trainings-agriculture-numerique';
import { stateAndProcurementTrainings } from './trainings-etat-achats';
import { hrAndManagementTrainings } from './trainings-rh-management';
import { valuesAndEcologyTrainings } from './trainings-valeurs-ecologie';

const demoTrainings: DemoTraining[] = [
  ...hrAndManagementTrainings,
  ...stateAndProcurementTrainings,
  ...agricultureAndDigitalTrainings,
  ...valuesAndEcologyTrainings,
];

const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;
const WORKING_HOURS_PER_DAY = 7;

function lookup<T>(map: Map<string, T>, key: string, what: string): T {
  const found = map.get(key);
  if (!found) throw new Error(`demo data names an unknown ${what}: ${key}`);
  return found;
}

/** Sessions start at 09:00 UTC on their day; a long one spreads over consecutive working days. */
function sessionDates(session: DemoSession, loadedAt: Date) {
  const day = new Date(loadedAt.getTime() + session.startsInDays * DAY);
  const startsAt = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 9));
  const extraDays = Math.max(Math.ceil(session.hours / WORKING_HOURS_PER_DAY) - 1, 0);
  const lastDayHours = session.hours <= WORKING_HOURS_PER_DAY ? session.hours : WORKING_HOURS_PER_DAY;
  const endsAt = new Date(startsAt.getTime() + extraDays * DAY + lastDayHours * HOUR);
  const enrolmentOpensAt = new Date(startsAt.getTime() - (session.opensDaysBefore ?? 60) * DAY);
  return { startsAt, endsAt, enrolmentOpensAt, enrolmentClosesAt: startsAt };
}

/** Inserts the demo catalogue, dated relative to `loadedAt`, into an empty catalogue. */
export async function loadDemoCatalogue(manager: EntityManager, loadedAt: Date): Promise<number> {
  const partners = new Map((await manager.find(Partner)).map(partner => [partner.slug, partner.id]));
  const collections = new Map((await manager.find(Collection)).map(collection => [collection.slug, collection.id]));
  const licences = new Map((await manager.find(Licence)).map(licence => [licence.code, licence.id]));

  const trainings = demoTrainings.map(demo =>
    manager.create(Training, {
      slug: slugify(demo.title),
      externalRef: demo.externalRef,
      title: demo.title,
      summary: demo.summary,
      objectives: demo.objectives,
      content: demo.content,
      prerequisites: demo.prerequisites,
      audience: demo.audience,
      audiencePartnerIds: demo.audienceRule.partners.map(slug => lookup(partners, slug, 'partner')),
      audienceCategories: demo.audienceRule.categories,
      audienceFunctions: demo.audienceRule.functions,
      targetJobs: demo.targetJobs,
      modality: demo.modality,
      durationMinutes: demo.durationMinutes,
      certifying: demo.certifying,
      keywords: demo.keywords,
      licenceId: lookup(licences, demo.licence, 'licence'),
      collectionId: lookup(collections, demo.collection, 'collection'),
      partnerId: lookup(partners, demo.partner, 'partner'),
      coFunderIds: demo.coFunders.map(slug => lookup(partners, slug, 'partner')),
      status: TrainingStatus.PUBLISHED,
      publishedAt: new Date(loadedAt.getTime() - demo.publishedDaysAgo * DAY),
    }),
  );
  await manager.insert(Training, trainings);

  const sessions = demoTrainings.flatMap((demo, index) =>
    demo.sessions.map(session =>
      manager.create(TrainingSession, {
        trainingId: trainings[index].id,
        ...sessionDates(session, loadedAt),
        capacity: session.capacity,
        location: session.location,
        cancelled: session.cancelled ?? false,
      }),
    ),
  );
  await manager.insert(TrainingSession, sessions);
  // Mirrors reading the change feed from its start find the whole demo catalogue.
  await recordChanges(manager, trainings.map(training => ({ type: ChangeType.TRAINING_PUBLISHED, trainingId: training.id })));
  return trainings.length;
}
