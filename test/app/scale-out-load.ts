import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { graphql, pick, sleep, type LoadStats } from '../support/load';

/**
 * The actors of the scale-out load (test/app/scale-out.test.ts): each is one loop body, talking to
 * the API only through nginx, as its real counterpart would, and keeping what it was told so that
 * the test can hold it against the database afterwards.
 */

type UserErrors = { userErrors: { code: string }[] };
const firstCode = (payload: UserErrors): string | null => payload.userErrors[0]?.code ?? null;

const LIST = `query($first: Int, $orderBy: TrainingOrder, $filter: TrainingFilter) { trainings(first: $first, orderBy: $orderBy, filter: $filter) {
  totalCount facets { collections { collection { slug } count } partners { partner { slug } count } modalities { modality count } }
  edges { node { slug title partner { slug } collection { slug } licence { code } sessions(first: 3, upcoming: true) { edges { node { startsAt seatsLeft } } } } } } }`;
const SHEET = `query($slug: String!) { training(slug: $slug) { id title summary objectives modality partner { name } collection { name }
  sessions(first: 20) { edges { node { id startsAt endsAt capacity seatsTaken seatsLeft waitlistLength cancelled location } } } } }`;
const SEARCH = `query($search: String!) { trainings(search: $search, first: 10) { totalCount edges { node { slug title } } } }`;
const COLLECTIONS = ['numerique', 'management', 'achat-public', 'ressources-humaines', 'transition-ecologique', 'langues'];
const WORDS = ['gestion', 'marchés publics', 'numérique', 'management', 'budget', 'écologie', 'données', 'laïcité', 'anglais', 'télétravail', 'achat', 'charge', 'RGPD', 'manager une équipe'];

/** An anonymous visitor of the catalogue: pages with facets, training sheets. */
export function reader(url: string, stats: LoadStats, slugs: string[]) {
  return async () => {
    if (Math.random() < 0.5) {
      const variables = { first: 20, orderBy: pick(['NEWEST', 'TITLE']), filter: Math.random() < 0.5 ? { collections: [pick(COLLECTIONS)] } : {} };
      await stats.measure('catalogue page', () => graphql(url, LIST, variables));
    } else {
      await stats.measure('training sheet', () => graphql(url, SHEET, { slug: pick(slugs) }));
    }
  };
}

/** An anonymous visitor searching. */
export function searcher(url: string, stats: LoadStats) {
  return async () => {
    await stats.measure('search', () => graphql(url, SEARCH, { search: pick(WORDS) }));
  };
}

export interface Agent {
  token: string;
  /** Enrolments the API said are CONFIRMED or WAITLISTED: enrolment id → session id. */
  active: Map<string, string>;
}

/** What the enrolment actors were told: the test checks it against the database. */
export interface EnrolmentLedger {
  /** Every enrolment id the API handed back, with the status it said. */
  answered: Map<string, string>;
  /** Enrolments said CONFIRMED at enrolment, for the editors to complete. */
  confirmed: string[];
  cancelled: Set<string>;
  completed: Set<string>;
}

const ENROL = 'mutation($s: ID!) { enrol(sessionId: $s) { enrolment { id status } userErrors { code } } }';
const CANCEL = 'mutation($e: ID!) { cancelEnrolment(enrolmentId: $e) { enrolment { status } userErrors { code } } }';
const COMPLETE = 'mutation($e: ID!) { completeEnrolment(enrolmentId: $e) { enrolment { status attestation { code } } userErrors { code } } }';

/** Agents enrolling in a few small sessions (racing for seats), and cancelling now and then. */
export function enroller(url: string, stats: LoadStats, agents: Agent[], sessions: string[], ledger: EnrolmentLedger) {
  return async () => {
    const agent = pick(agents);
    if (agent.active.size > 0 && Math.random() < 0.3) {
      const [enrolmentId] = pick([...agent.active]);
      agent.active.delete(enrolmentId);
      type Cancel = { cancelEnrolment: UserErrors & { enrolment: { status: string } | null } };
      const answer = await stats.measure('cancelEnrolment', () => graphql<Cancel>(url, CANCEL, { e: enrolmentId }, agent.token), data => firstCode(data.cancelEnrolment));
      if (answer?.cancelEnrolment.enrolment?.status === 'CANCELLED') ledger.cancelled.add(enrolmentId);
      return;
    }
    const sessionId = pick(sessions);
    type Enrol = { enrol: UserErrors & { enrolment: { id: string; status: string } | null } };
    const answer = await stats.measure('enrol', () => graphql<Enrol>(url, ENROL, { s: sessionId }, agent.token), data => firstCode(data.enrol));
    const enrolment = answer?.enrol.enrolment;
    if (!enrolment) return;
    if (ledger.answered.has(enrolment.id)) return; // enrolling again: the enrolment held
    ledger.answered.set(enrolment.id, enrolment.status);
    if (enrolment.status === 'CONFIRMED' || enrolment.status === 'WAITLISTED') agent.active.set(enrolment.id, sessionId);
    if (enrolment.status === 'CONFIRMED') ledger.confirmed.push(enrolment.id);
  };
}

/**
 * An editor of the partner completing enrolments (issuing attestations): mostly ones said confirmed,
 * some any enrolment (waiting, cancelled: refused); two editors often pick the same one at once.
 */
export function completer(url: string, stats: LoadStats, token: string, ledger: EnrolmentLedger) {
  return async () => {
    const open = ledger.confirmed.filter(id => !ledger.completed.has(id) && !ledger.cancelled.has(id)).slice(-30);
    const pool = Math.random() < 0.8 && open.length > 0 ? open : [...ledger.answered.keys()].slice(-100);
    if (pool.length === 0) return sleep(50);
    const enrolmentId = pick(pool);
    type Complete = { completeEnrolment: UserErrors & { enrolment: { status: string; attestation: { code: string } | null } | null } };
    const answer = await stats.measure('completeEnrolment', () => graphql<Complete>(url, COMPLETE, { e: enrolmentId }, token), data => firstCode(data.completeEnrolment));
    const enrolment = answer?.completeEnrolment.enrolment;
    if (enrolment?.status === 'COMPLETED' && enrolment.attestation) ledger.completed.add(enrolmentId);
  };
}

export interface SessionSheet {
  externalRef: string;
  startsAt: string;
  endsAt: string;
  enrolmentOpensAt?: string;
  enrolmentClosesAt?: string;
  capacity: number;
  location?: string;
}

export interface Sheet {
  externalRef: string;
  title: string;
  summary: string;
  objectives: string[];
  collection: string;
  licence: string;
  modality: string;
  sessions: SessionSheet[];
}

const day = 86_400_000;
const at = (fromNow: number) => new Date(Math.floor(Date.now() / 1000) * 1000 + fromNow).toISOString();

/** A sheet of the partner's own system: a session `course` that has started and still takes enrolments (so it can be completed), with `capacity` seats. */
export function sheet(n: number, capacity: number): Sheet {
  return {
    externalRef: `CHARGE-${n}`,
    title: `Formation de la charge n° ${n}`,
    summary: `Version 1 de la formation ${n}.`,
    objectives: ['Tenir la charge'],
    collection: 'numerique',
    licence: 'etalab-2.0',
    modality: 'VIRTUAL_CLASS',
    sessions: [{ externalRef: 'course', startsAt: at(-day), endsAt: at(10 * day), enrolmentOpensAt: at(-2 * day), enrolmentClosesAt: at(9 * day), capacity }],
  };
}

export const IMPORT = `mutation($items: [TrainingImportInput!]!) { importTrainings(partner: "maa", items: $items, errorPolicy: REJECT_FAILED_ITEMS) {
  created updated unchanged failed applied items { externalRef status errors { code } } userErrors { code } } }`;
export type ImportAnswer = { importTrainings: UserErrors & { created: number; updated: number; unchanged: number; failed: number; items: { status: string; errors: { code: string }[] }[] } };

/**
 * The partner's system (an API client with catalogue:write) importing its whole catalogue again and
 * again, each time with a change: seats added to a racing session (its line is promoted), a session
 * added or moved, a summary rewritten (a revision for the committees), now and then a new training.
 */
export function importer(url: string, stats: LoadStats, token: string, sheets: Sheet[]) {
  let round = 0;
  return async () => {
    round += 1;
    const target = pick(sheets);
    const course = target.sessions[0];
    if (course.capacity < 12) course.capacity += 1;
    if (round % 3 === 0 && target.sessions.length < 12) {
      target.sessions.push({ externalRef: `S${round}`, startsAt: at((20 + round) * day), endsAt: at((20 + round) * day + 3 * 3_600_000), capacity: 30, location: 'Paris' });
    } else if (round % 3 === 1 && target.sessions.length > 1) {
      pick(target.sessions.slice(1)).location = pick(['Lyon', 'Rennes', 'Toulouse', 'Lille', 'À distance']);
    }
    if (round % 10 === 5) target.summary = `Version ${round} de la formation ${target.externalRef}.`;
    if (round % 10 === 9 && sheets.length < 16) sheets.push(sheet(100 + round, 3));
    await stats.measure('importTrainings', () => graphql<ImportAnswer>(url, IMPORT, { items: sheets }, token), data =>
      firstCode(data.importTrainings) ?? data.importTrainings.items.flatMap(item => item.errors.map(error => error.code))[0] ?? null,
    );
  };
}

const QUEUE = 'query($c: Committee!) { reviewQueue(committee: $c, first: 20) { edges { node { id } } } }';
const REVIEW = 'mutation($input: ReviewInput!) { reviewTraining(input: $input) { training { status } userErrors { code } } }';

/** Both committees approving whatever is submitted: new trainings get published, revisions applied. */
export function reviewer(url: string, stats: LoadStats, committees: { committee: string; token: string }[]) {
  return async () => {
    let decided = 0;
    for (const { committee, token } of committees) {
      type Queue = { reviewQueue: { edges: { node: { id: string } }[] } };
      const queue = await stats.measure('reviewQueue', () => graphql<Queue>(url, QUEUE, { c: committee }, token));
      for (const { node } of queue?.reviewQueue.edges ?? []) {
        const input = { trainingId: node.id, committee, decision: 'APPROVE' };
        type Review = { reviewTraining: UserErrors };
        await stats.measure('reviewTraining', () => graphql<Review>(url, REVIEW, { input }, token), data => firstCode(data.reviewTraining));
        decided += 1;
      }
    }
    if (decided === 0) await sleep(300);
  };
}

export interface TrainingCopy {
  slug: string;
  title: string;
  summary: string;
  sessions: { id: string; startsAt: string; endsAt: string; capacity: number | null; location: string | null; cancelled: boolean }[];
}

const FEED = `query($after: String) { catalogueChanges(after: $after, first: 100) { edges { cursor node { trainingId } } pageInfo { endCursor } } }`;
const TRAINING = `query($id: ID!) { node(id: $id) { ... on Training { slug title summary
  sessions(first: 100) { edges { node { id startsAt endsAt capacity location cancelled } } pageInfo { hasNextPage } } } } }`;

/**
 * A partner's mirror following the integration guide: reads the change feed from its start, keeps
 * the last cursor, and applies each page by re-reading (anonymously) the trainings it names; a
 * training that is no longer visible leaves the copy.
 */
export class Mirror {
  readonly copy = new Map<string, TrainingCopy>();
  cursor: string | null = null;
  events = 0;

  constructor(
    private readonly url: string,
    private readonly stats: LoadStats,
  ) {}

  /** Reads one page of the feed and applies it; the number of events it held. */
  async poll(): Promise<number> {
    type Feed = { catalogueChanges: { edges: { cursor: string; node: { trainingId: string } }[]; pageInfo: { endCursor: string | null } } };
    const page = await this.stats.measure('catalogueChanges', () => graphql<Feed>(this.url, FEED, { after: this.cursor }));
    if (!page) return 0;
    const { edges } = page.catalogueChanges;
    for (const trainingId of new Set(edges.map(edge => edge.node.trainingId))) {
      type Node = { node: (Omit<TrainingCopy, 'sessions'> & { sessions: { edges: { node: TrainingCopy['sessions'][number] }[]; pageInfo: { hasNextPage: boolean } } }) | null };
      const read = await this.stats.measure('mirror: training re-read', () => graphql<Node>(this.url, TRAINING, { id: trainingId }));
      if (!read) throw new Error(`the mirror could not re-read ${trainingId}: it would stop here`);
      if (!read.node) {
        this.copy.delete(trainingId);
        continue;
      }
      if (read.node.sessions.pageInfo.hasNextPage) throw new Error(`more than 100 sessions on ${trainingId}: the mirror reads one page`);
      const { slug, title, summary } = read.node;
      this.copy.set(trainingId, { slug, title, summary, sessions: read.node.sessions.edges.map(edge => edge.node).sort((a, b) => a.id.localeCompare(b.id)) });
    }
    this.events += edges.length;
    if (edges.length > 0) this.cursor = edges[edges.length - 1].cursor;
    return edges.length;
  }

  loop() {
    return async () => {
      if ((await this.poll()) === 0) await sleep(200);
    };
  }
}

/**
 * A partner's endpoint as the guide says to write one: verifies the Standard Webhooks signature
 * (401 if forged), answers fast, applies each `webhook-id` once (a repeat is acknowledged, not applied).
 * The first attempt of every tenth event is answered 503, so that retries happen under load too.
 */
export class WebhookEndpoint {
  /** webhook-id → times it was accepted and applied (must be 1). */
  readonly applied = new Map<string, number>();
  /** webhook-id → deliveries received, retries and repeats included. */
  readonly received = new Map<string, number>();
  readonly refusedOnce = new Set<string>();
  forged = 0;
  repeats = 0;
  private server: Server | null = null;
  private verifier: StandardWebhook | null = null;
  port = 0;

  set secret(secret: string) {
    this.verifier = new StandardWebhook(secret);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/mentor`;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', chunk => chunks.push(chunk));
      request.on('end', () => {
        const id = String(request.headers['webhook-id']);
        try {
          this.verifier!.verify(Buffer.concat(chunks).toString('utf8'), request.headers as Record<string, string>);
        } catch {
          this.forged += 1;
          return response.writeHead(401).end();
        }
        this.received.set(id, (this.received.get(id) ?? 0) + 1);
        if (Number(id) % 10 === 3 && !this.refusedOnce.has(id)) {
          this.refusedOnce.add(id);
          return response.writeHead(503).end();
        }
        if (this.applied.has(id)) {
          this.repeats += 1;
          return response.writeHead(200).end();
        }
        this.applied.set(id, 1);
        response.writeHead(204).end();
      });
    });
    await new Promise<void>(resolve => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server!.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise(resolve => this.server?.close(resolve));
  }
}
