import { searchQueries } from './catalogue-words';

export interface Request {
  path: string;
  body: string;
  headers?: Record<string, string>;
}

export interface Workload {
  id: string;
  title: string;
  /** Requests sent in rotation to the API (`/graphql`) and, for W1 and W3, to the floor. */
  api: Request[];
  floor?: Request[];
}

const COLLECTIONS = [
  'achat-public', 'finances-publiques', 'langues', 'ressources-humaines', 'techniques-et-affaires-juridiques',
  'missions-des-ministeres', 'management', 'numerique', 'concours-et-examens', 'valeurs-de-la-republique',
  'transformation-de-l-action-publique', 'transition-ecologique',
];

const graphql = (query: string, variables: object): Request => ({ path: '/graphql', body: JSON.stringify({ query, variables }) });

const W1 = `query W1($filter: TrainingFilter) { trainings(first: 50, filter: $filter) { totalCount
  edges { node { slug title modality collection { slug name } partner { slug name } licence { code name }
    sessions(first: 3, upcoming: true) { edges { node { startsAt seatsLeft } } } } }
  facets { collections { collection { slug } count } partners { partner { slug } count }
    modalities { modality count } certifying { value count } } } }`;

const W2 = `query W2($search: String!) { trainings(search: $search, first: 20) { totalCount
  edges { node { slug title summary partner { acronym } } } } }`;

const W3 = `query W3($slug: String!) { training(slug: $slug) { slug title summary objectives content audience modality
  durationMinutes collection { slug name } partner { slug name } licence { code }
  sessions(first: 100) { totalCount edges { node { startsAt endsAt location capacity seatsLeft cancelled } } } } }`;

/** W5: the W1 pages as anonymous visitors ask for them, answered from the response cache. */
export function anonymousCatalogue(): Workload {
  return {
    id: 'W5',
    title: 'W1 pages for anonymous visitors, through the response cache',
    api: COLLECTIONS.map(collection => graphql(W1, { filter: { collections: [collection] } })),
  };
}

export function workloads(slugs: string[]): Workload[] {
  return [
    {
      id: 'W1',
      title: 'catalogue page: 50 trainings, relations, 3 upcoming sessions, facets',
      api: COLLECTIONS.map(collection => graphql(W1, { filter: { collections: [collection] } })),
      floor: COLLECTIONS.map(collection => ({ path: '/w1', body: JSON.stringify({ collection }) })),
    },
    {
      id: 'W2',
      title: `search: ${searchQueries().length} distinct French queries`,
      api: searchQueries().map(search => graphql(W2, { search })),
    },
    {
      id: 'W3',
      title: 'training sheet by slug with all its sessions',
      api: slugs.map(slug => graphql(W3, { slug })),
      floor: slugs.map(slug => ({ path: '/w3', body: JSON.stringify({ slug }) })),
    },
  ];
}
