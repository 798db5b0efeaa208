import { Modality } from './catalogue.enums';
import type { Partner } from './partner.entity';
import type { TrainingSession } from './training-session.entity';
import type { Training } from './training.entity';
import { attributesOf, textElement, xmlSafe } from './xml-text';

/**
 * One training as a LHEO 2.3 `formation` (http://lheo.gouv.fr/2.3, the schema kept in
 * test/fixtures/lheo/lheo.xsd): elements in the order the schema's sequences require, every text
 * cut to its facet's maximum length. What we do not hold (SIRET, declaration number, FORMACODE,
 * postal addresses of places) is given the schema's "unknown" values; see README, "Open formats".
 */
export const LHEO_NAMESPACE = 'http://lheo.gouv.fr/2.3';

/** dict-modalites-enseignement: 0 entièrement présentielle, 1 mixte, 2 entièrement à distance. */
export const MODALITES_ENSEIGNEMENT: Record<Modality, '0' | '1' | '2'> = {
  [Modality.ENRICHED_PRESENTIAL]: '0', // in a room; the digital resources come on top
  [Modality.HYBRID]: '1',
  [Modality.PEER_EXCHANGE]: '1', // communities meet online and in person
  [Modality.ONLINE_TUTORED]: '2',
  [Modality.WEBINAR]: '2',
  [Modality.VIRTUAL_CLASS]: '2',
  [Modality.SELF_PACED]: '2',
};

/** How a session stands for enrolment now, from its window, its seats and the clock (see `closedBecause` in enrolment.service.ts). */
export type Recruitment = 'OPEN' | 'FULL' | 'CLOSED';

/**
 * dict-etat-recrutement: 1 ouvert, 2 fermé, 3 suspendu. A full session is « suspendu »: agents
 * may still join its waiting line, and a seat given back opens it again. Cancelled sessions are
 * not exported at all (the schema has no code for them).
 */
export const ETAT_RECRUTEMENT: Record<Recruitment, '1' | '2' | '3'> = { OPEN: '1', CLOSED: '2', FULL: '3' };

/** French names of the modalities, for `modalites-pedagogiques` and `rythme-formation`. */
const MODALITY_LABEL: Record<Modality, string> = {
  [Modality.HYBRID]: 'Formation hybride (à distance et en présentiel)',
  [Modality.ONLINE_TUTORED]: 'Formation en ligne tutorée',
  [Modality.WEBINAR]: 'Webinaire',
  [Modality.VIRTUAL_CLASS]: 'Classe virtuelle',
  [Modality.SELF_PACED]: 'Autoformation en ligne, à son rythme',
  [Modality.ENRICHED_PRESENTIAL]: 'Présentiel enrichi',
  [Modality.PEER_EXCHANGE]: 'Échange entre pairs',
};

/**
 * Where agents enrol: online on Mentor; the schema requires a postal address, the platform's
 * operator's (DGAFP, 139 rue de Bercy, Paris).
 */
const ENROLMENT_ADDRESS =
  '<adresse-inscription><adresse><denomination>Mentor — DGAFP</denomination><ligne>139 rue de Bercy</ligne><codepostal>75012</codepostal><ville>Paris</ville></adresse></adresse-inscription>';
/** The schema's "not known" values for identifiers the catalogue does not hold (partners are State administrations). */
const UNKNOWN = { numeroActivite: '00000000000', siret: '00000000000000', publicVise: '00000', debut: '00000000', fin: '99999999' };

export type LheoTraining = Pick<
  Training,
  'slug' | 'title' | 'summary' | 'objectives' | 'content' | 'prerequisites' | 'audience' | 'modality' | 'durationMinutes' | 'certifying' | 'createdAt' | 'updatedAt'
>;
export type LheoSession = Pick<TrainingSession, 'id' | 'startsAt' | 'endsAt' | 'enrolmentOpensAt' | 'enrolmentClosesAt' | 'location' | 'updatedAt'> & {
  recruitment: Recruitment;
};
export type LheoPartner = Pick<Partner, 'slug' | 'name'>;

export function lheoHeader(): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<lheo xmlns="${LHEO_NAMESPACE}">\n<offres>\n`;
}

export function lheoFooter(): string {
  return '</offres>\n</lheo>\n';
}

/** The first of the texts that still holds something once made XML-safe (minLength 1 facets), else the last. */
function firstText(...texts: (string | null | undefined)[]): string {
  return texts.find(text => text !== null && text !== undefined && xmlSafe(text).trim() !== '') ?? texts[texts.length - 1]!;
}

const PARIS_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });

/** LHEO dates are AAAAMMJJ, in French time. */
function lheoDate(date: Date): string {
  return PARIS_DAY.format(date).replace(/-/g, '');
}

/** "3 h 30", "7 h" */
function hours(minutes: number): string {
  const rest = minutes % 60;
  return `${Math.floor(minutes / 60)} h${rest === 0 ? '' : ` ${String(rest).padStart(2, '0')}`}`;
}

function period(debut: string, fin: string): string {
  return `<periode><debut>${debut}</debut><fin>${fin}</fin></periode>`;
}

function web(url: string): string {
  return `<web>${textElement('urlweb', url, 400)}</web>`;
}

function sessionXml(session: LheoSession, pageUrl: string): string {
  const location = session.location === null ? '' : xmlSafe(session.location).trim();
  return [
    `<session${attributesOf({ numero: session.id, 'horodatage-modification': session.updatedAt.toISOString() })}>`,
    period(lheoDate(session.startsAt), lheoDate(session.endsAt)),
    ENROLMENT_ADDRESS,
    textElement('modalites-inscription', `Inscription en ligne sur Mentor : ${pageUrl}`, 255),
    `<periode-inscription>${period(lheoDate(session.enrolmentOpensAt), lheoDate(session.enrolmentClosesAt))}</periode-inscription>`,
    `<etat-recrutement>${ETAT_RECRUTEMENT[session.recruitment]}</etat-recrutement>`,
    `<url-session>${textElement('urlweb', pageUrl, 400)}</url-session>`,
    // The place is free text here (no postal code to fill `lieu-de-formation`): kept as an extra.
    location === '' ? '' : `<extras info="mentor">${textElement('extra', location, 300, { info: 'lieu' })}</extras>`,
    '</session>',
  ].join('');
}

/** A training with no session still to come: the schema requires one, dated « unknown », closed. */
function undatedSession(pageUrl: string): string {
  return [
    '<session>',
    period(UNKNOWN.debut, UNKNOWN.fin),
    ENROLMENT_ADDRESS,
    `<etat-recrutement>${ETAT_RECRUTEMENT.CLOSED}</etat-recrutement>`,
    `<url-session>${textElement('urlweb', pageUrl, 400)}</url-session>`,
    '</session>',
  ].join('');
}

function actionXml(training: LheoTraining, sessions: readonly LheoSession[], pageUrl: string): string {
  const rhythm = training.durationMinutes === null ? MODALITY_LABEL[training.modality] : `${MODALITY_LABEL[training.modality]}, ${hours(training.durationMinutes)}`;
  const audience = training.audience === null ? '' : xmlSafe(training.audience).trim();
  return [
    '<action>',
    textElement('rythme-formation', rhythm, 3000),
    `<code-public-vise>${UNKNOWN.publicVise}</code-public-vise>`,
    audience === '' ? '' : textElement('info-public-vise', audience, 250),
    '<niveau-entree-obligatoire>0</niveau-entree-obligatoire>',
    textElement('modalites-alternance', 'Sans objet.', 3000),
    `<modalites-enseignement>${MODALITES_ENSEIGNEMENT[training.modality]}</modalites-enseignement>`,
    textElement('conditions-specifiques', firstText(training.prerequisites, 'Aucune.'), 3000),
    // Free for the agents: there are no fees to take charge of.
    '<prise-en-charge-frais-possible>0</prise-en-charge-frais-possible>',
    `<modalites-entrees-sorties>${training.modality === Modality.SELF_PACED ? '1' : '0'}</modalites-entrees-sorties>`,
    `<url-action>${textElement('urlweb', pageUrl, 400)}</url-action>`,
    sessions.length === 0 ? undatedSession(pageUrl) : sessions.map(session => sessionXml(session, pageUrl)).join('\n'),
    '<langue-formation>fr</langue-formation>',
    textElement('modalites-pedagogiques', MODALITY_LABEL[training.modality], 200),
    training.durationMinutes === null ? '' : textElement('duree-indicative', hours(training.durationMinutes), 150),
    '</action>',
  ]
    .filter(part => part !== '')
    .join('\n');
}

function organisationXml(partner: LheoPartner, appUrl: string): string {
  const contact = `<coordonnees>${web(appUrl)}</coordonnees>`;
  return [
    `<organisme-formation-responsable${attributesOf({ numero: partner.slug })}>`,
    `<numero-activite>${UNKNOWN.numeroActivite}</numero-activite>`,
    `<SIRET-organisme-formation><SIRET>${UNKNOWN.siret}</SIRET></SIRET-organisme-formation>`,
    textElement('nom-organisme', partner.name, 250),
    textElement('raison-sociale', partner.name, 250),
    `<coordonnees-organisme>${contact}</coordonnees-organisme>`,
    `<contact-organisme>${contact}</contact-organisme>`,
    '</organisme-formation-responsable>',
  ].join('\n');
}

/** One `formation` element (with its `action`, its sessions and its responsible organisation), as text. */
export function formationXml(training: LheoTraining, partner: LheoPartner, sessions: readonly LheoSession[], appUrl: string): string {
  const pageUrl = `${appUrl}/formations/${encodeURIComponent(training.slug)}`;
  const objectives = training.objectives.map(objective => xmlSafe(objective).trim()).filter(objective => objective !== '');
  return [
    `<formation${attributesOf({
      numero: training.slug,
      'horodatage-creation': training.createdAt.toISOString(),
      'horodatage-modification': training.updatedAt.toISOString(),
    })}>`,
    // No FORMACODE, NSF or ROME code is held: the element is required, its children are not.
    '<domaine-formation/>',
    textElement('intitule-formation', firstText(training.title, 'Formation sans titre'), 255),
    textElement('objectif-formation', firstText(objectives.map(objective => `- ${objective}`).join('\n'), training.summary, 'Non renseigné.'), 3000),
    textElement(
      'resultats-attendus',
      training.certifying ? 'Formation certifiante ; attestation de suivi délivrée par Mentor.' : 'Attestation de suivi délivrée par Mentor.',
      3000,
    ),
    textElement('contenu-formation', firstText(training.content, training.summary, 'Non renseigné.'), 3000),
    `<certifiante>${training.certifying ? '1' : '0'}</certifiante>`,
    `<contact-formation><coordonnees>${web(pageUrl)}</coordonnees></contact-formation>`,
    // dict-parcours: 1 en groupe, 2 individualisé.
    `<parcours-de-formation>${training.modality === Modality.SELF_PACED ? '2' : '1'}</parcours-de-formation>`,
    // dict-niveaux: 1 sans niveau spécifique (continuing education of agents, no diploma required).
    '<code-niveau-entree>1</code-niveau-entree>',
    `<url-formation>${textElement('urlweb', pageUrl, 400)}</url-formation>`,
    actionXml(training, sessions, pageUrl),
    organisationXml(partner, appUrl),
    '</formation>\n',
  ]
    .filter(part => part !== '')
    .join('\n');
}
