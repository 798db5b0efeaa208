import type { AgentCategory, Modality } from '../../catalogue/catalogue.enums';

/** A session of the demo catalogue, dated relative to the moment the demo data is loaded. */
export interface DemoSession {
  /** Days from the load date to the start (negative: a past session). */
  startsInDays: number;
  /** Length of the session in hours (a one-day face-to-face day is 7, a webinar 1.5). */
  hours: number;
  /** Days before the start when enrolment opens (default: 60). */
  opensDaysBefore?: number;
  /** null: unlimited seats (self-paced courses, webinars). */
  capacity: number | null;
  /** A town and venue, or "En ligne"; null when irrelevant. */
  location: string | null;
  cancelled?: boolean;
}

export interface DemoTraining {
  externalRef: string;
  title: string;
  summary: string;
  objectives: string[];
  content: string;
  prerequisites: string | null;
  audience: string;
  audienceRule: { partners: string[]; categories: AgentCategory[]; functions: string[] };
  targetJobs: string[];
  modality: Modality;
  durationMinutes: number | null;
  certifying: boolean;
  keywords: string[];
  /** Licence code, collection slug, partner slug, co-funders' partner slugs (reference data). */
  licence: string;
  collection: string;
  partner: string;
  coFunders: string[];
  /** Days between the publication and the load date (spreads `publishedAt` for NEWEST ordering). */
  publishedDaysAgo: number;
  sessions: DemoSession[];
}
