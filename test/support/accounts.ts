import { bearer } from './people';
import type { TestApp, UserErrorView } from './test-app';

export interface ApiClientView {
  clientId: string;
  name: string;
  partner: { slug: string };
  scopes: string[];
  revokedAt: string | null;
}

export interface ApiClientPayload {
  client: ApiClientView | null;
  /** Shown once, at creation. */
  clientSecret: string | null;
  userErrors: UserErrorView[];
}

export interface ClientTokenPayload {
  accessToken: string | null;
  expiresIn: number | null;
  userErrors: UserErrorView[];
}

const CLIENT_FIELDS = 'client { clientId name partner { slug } scopes revokedAt } clientSecret userErrors { field code message }';

/** createApiClient by an admin; its user errors are for the caller to check. */
export async function createApiClient(api: TestApp, adminToken: string, partner: string, scopes: string[], name = 'SIRH'): Promise<ApiClientPayload> {
  const { createApiClient: payload } = await api.data<{ createApiClient: ApiClientPayload }>(
    `mutation($partner: String!, $name: String!, $scopes: [String!]!) { createApiClient(partner: $partner, name: $name, scopes: $scopes) { ${CLIENT_FIELDS} } }`,
    { partner, name, scopes },
    bearer(adminToken),
  );
  return payload;
}

export async function revokeApiClient(api: TestApp, adminToken: string, clientId: string): Promise<ApiClientPayload> {
  const { revokeApiClient: payload } = await api.data<{ revokeApiClient: ApiClientPayload }>(
    `mutation($clientId: String!) { revokeApiClient(clientId: $clientId) { ${CLIENT_FIELDS} } }`,
    { clientId },
    bearer(adminToken),
  );
  return payload;
}

/** issueClientToken (the client-credentials exchange, anonymous); its user errors are for the caller to check. */
export async function issueClientToken(api: TestApp, clientId: string, clientSecret: string): Promise<ClientTokenPayload> {
  const { issueClientToken: payload } = await api.data<{ issueClientToken: ClientTokenPayload }>(
    `mutation($clientId: String!, $clientSecret: String!) { issueClientToken(clientId: $clientId, clientSecret: $clientSecret) {
      accessToken expiresIn userErrors { field code message } } }`,
    { clientId, clientSecret },
  );
  return payload;
}

/**
 * An access token of a new API client of `partner` with `scopes`. With `revoked`, the client is revoked
 * after the token is issued: the token itself is still well signed and unexpired.
 */
export async function clientToken(
  api: TestApp,
  adminToken: string,
  partner: string,
  scopes: string[],
  options: { name?: string; revoked?: boolean } = {},
): Promise<string> {
  const created = await createApiClient(api, adminToken, partner, scopes, options.name);
  expect(created.userErrors).toEqual([]);
  const issued = await issueClientToken(api, created.client!.clientId, created.clientSecret!);
  expect(issued.userErrors).toEqual([]);
  if (options.revoked) expect((await revokeApiClient(api, adminToken, created.client!.clientId)).userErrors).toEqual([]);
  return issued.accessToken!;
}
