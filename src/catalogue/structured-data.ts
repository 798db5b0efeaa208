import type { Context } from '../context';
import { Modality } from './catalogue.enums';
import type { Licence } from './licence.entity';
import type { Partner } from './partner.entity';
import type { TrainingSession } from './training-session.entity';
import type { Training } from './training.entity';

/**
 * schema.org `Course` as JSON-LD (https://schema.org/Course), for front ends to put in a training's
 * page (`<script type="application/ld+json">`) so that search engines understand it.
 */
export type JsonLd = Record<string, unknown>;

/** The next sessions described: search engines show a few; a training with more lists them on its page. */
export const STRUCTURED_DATA_SESSIONS = 20;
/** What the description reads of each session (the session loader's `columns`). */
const SESSION_PROPERTIES = ['cancelled', 'endsAt', 'id', 'location', 'startsAt', 'trainingId'];

export type CourseMode = 'online' | 'onsite' | 'blended';

/**
 * schema.org `courseMode` by modality. Peer exchanges take place online or in a room: each
 * session's place decides (see `courseModeOf`).
 */
const COURSE_MODE: Record<Modality, CourseMode | null> = {
  [Modality.HYBRID]: 'blended',
  [Modality.ENRICHED_PRESENTIAL]: 'onsite',
  [Modality.ONLINE_TUTORED]: 'online',
  [Modality.WEBINAR]: 'online',
  [Modality.VIRTUAL_CLASS]: 'online',
  [Modality.SELF_PACED]: 'online',
  [Modality.PEER_EXCHANGE]: null,
};

/** Places that say a session has none ("En ligne", "À distance", "Visioconférence"). */
const REMOTE_PLACE = /^\s*(en ligne|à distance|a distance|distanciel|visio)/i;

export function courseModeOf(modality: Modality, location: string | null): CourseMode {
  return COURSE_MODE[modality] ?? (location === null || REMOTE_PLACE.test(location) ? 'online' : 'onsite');
}

type CourseTraining = Pick<Training, 'slug' | 'title' | 'summary' | 'modality' | 'certifying' | 'durationMinutes' | 'keywords'>;
type CourseSession = Pick<TrainingSession, 'startsAt' | 'endsAt' | 'location' | 'cancelled'>;

/** ISO 8601 duration, e.g. PT3H30M. */
function isoDuration(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `PT${hours > 0 ? `${hours}H` : ''}${rest > 0 || hours === 0 ? `${rest}M` : ''}`;
}

function courseInstance(training: CourseTraining, session: CourseSession, pageUrl: string): JsonLd {
  const mode = courseModeOf(training.modality, session.location);
  const place = session.location !== null && !REMOTE_PLACE.test(session.location) ? session.location.trim() : null;
  return {
    '@type': 'CourseInstance',
    courseMode: mode,
    startDate: session.startsAt.toISOString(),
    endDate: session.endsAt.toISOString(),
    location: mode !== 'online' && place ? { '@type': 'Place', name: place, address: place } : { '@type': 'VirtualLocation', url: pageUrl },
  };
}

/** The JSON-LD of a training, from what the loaders give: pure, so that its shape is tested without a server. */
export function courseJsonLd(input: {
  training: CourseTraining;
  partner: Pick<Partner, 'name' | 'acronym'>;
  licence: Pick<Licence, 'url'>;
  sessions: readonly CourseSession[];
  appUrl: string;
  now?: Date;
}): JsonLd {
  const { training, partner, licence, appUrl, now = new Date() } = input;
  const pageUrl = `${appUrl}/formations/${encodeURIComponent(training.slug)}`;
  const upcoming = input.sessions.filter(session => !session.cancelled && session.startsAt > now);
  return {
    '@context': 'https://schema.org',
    '@type': 'Course',
    '@id': pageUrl,
    url: pageUrl,
    name: training.title,
    description: training.summary,
    provider: { '@type': 'GovernmentOrganization', name: partner.name, alternateName: partner.acronym },
    license: licence.url,
    inLanguage: 'fr',
    ...(training.keywords.length > 0 ? { keywords: training.keywords.join(', ') } : {}),
    ...(training.durationMinutes !== null ? { timeRequired: isoDuration(training.durationMinutes) } : {}),
    ...(training.certifying ? { educationalCredentialAwarded: { '@type': 'EducationalOccupationalCredential', credentialCategory: 'certification' } } : {}),
    hasCourseInstance: upcoming.map(session => courseInstance(training, session, pageUrl)),
  };
}

/**
 * `Training.structuredData`: partner and licence from the reference data, sessions from the
 * per-request session loader (one statement for a whole page of trainings).
 */
export async function structuredDataOf(ctx: Context, training: Training): Promise<JsonLd> {
  const [partner, licence, sessions] = await Promise.all([
    ctx.loaders.partnerById.load(training.partnerId),
    ctx.loaders.licenceById.load(training.licenceId),
    ctx.loaders.sessionPage.load({ trainingId: training.id, upcoming: true, withoutCancelled: true, size: STRUCTURED_DATA_SESSIONS, after: null, columns: SESSION_PROPERTIES }),
  ]);
  return courseJsonLd({ training, partner: partner!, licence: licence!, sessions: sessions.edges.map(edge => edge.node), appUrl: ctx.appUrl });
}
