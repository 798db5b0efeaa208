/**
 * What each field resolver of a training or a session reads beyond the column of its own name, so
 * that a list reads only the columns its query needs (`columnsFor`). A field missing here makes the
 * list read every column.
 */
const AUDIENCE = ['audiencePartnerIds', 'audienceCategories', 'audienceFunctions'];

export const TRAINING_COLUMNS = {
  /** Visibility and rights checks, global ids and every loader keyed by training. */
  always: ['id', 'status', 'partnerId'],
  needs: {
    partner: [],
    collection: ['collectionId'],
    licence: ['licenceId'],
    coFunders: ['coFunderIds'],
    audienceRule: AUDIENCE,
    eligibility: AUDIENCE,
    sessions: [],
    reviews: [],
    pendingRevision: [],
    structuredData: ['slug', 'title', 'summary', 'modality', 'certifying', 'durationMinutes', 'keywords', 'licenceId'],
  },
};

export const SESSION_COLUMNS = {
  /** Global ids, the page's order and its training. */
  always: ['id', 'trainingId', 'startsAt'],
  needs: {
    training: [],
    seatsLeft: ['capacity', 'seatsTaken'],
  },
};
