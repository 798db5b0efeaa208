// A document as a Relay front end writes it; relay-compiler reads the graphql tag (test/graphql/relay.test.ts).
/* global graphql */

graphql`
  fragment TrainingSessions_training on Training
  @refetchable(queryName: "TrainingSessionsRefetchQuery")
  @argumentDefinitions(count: { type: "Int", defaultValue: 1 }, cursor: { type: "String" }) {
    title
    sessions(first: $count, after: $cursor) @connection(key: "TrainingSessions_sessions") {
      edges { node { id startsAt } }
      pageInfo { hasPreviousPage startCursor }
    }
  }
`;
