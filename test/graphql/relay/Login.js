// A document as a Relay front end writes it; relay-compiler reads the graphql tag (test/graphql/relay.test.ts).
/* global graphql */

graphql`
  mutation LoginMutation($email: String!, $password: String!) {
    login(email: $email, password: $password) { accessToken user { id } userErrors { field code message } }
  }
`;
