// A document as a Relay front end writes it; relay-compiler reads the graphql tag (test/graphql/relay.test.ts).
/* global graphql */

graphql`
  fragment CatalogueList_query on Query
  @refetchable(queryName: "CatalogueListPaginationQuery")
  @argumentDefinitions(count: { type: "Int", defaultValue: 5 }, cursor: { type: "String" }) {
    trainings(first: $count, after: $cursor) @connection(key: "CatalogueList_trainings") {
      edges { node { id title } }
      pageInfo { hasPreviousPage startCursor }
    }
  }
`;
