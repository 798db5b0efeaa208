import { readFile } from 'node:fs/promises';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import { createLocalJWKSet, jwtVerify, SignJWT, type JSONWebKeySet } from 'jose';
import { clientToken } from '../support/accounts';
import { createDraft, createSession, editorialTeam, publish } from '../support/editorial';
import { ADMIN_ENV, agents, bearer, person, type Person } from '../support/people';
import { startTestApp, type GraphQLResponse, type TestApp, type UserErrorView } from '../support/test-app';
import { day, localId } from '../support/values';

let api: TestApp;
let admin: Person;
let editor: Person;
let trainingId: string;
const tokens: Record<string, string | null> = { anonymous: null };

const ENROL = `mutation($sessionId: ID!) { enrol(sessionId: $sessionId) { enrolment { id status } userErrors { code } } }`;
const COMPLETE = `mutation($id: ID!) { completeEnrolment(enrolmentId: $id) {
  enrolment { id status completedAt attestation { id code holderName trainingTitle partnerName durationMinutes issuedAt credential } }
  userErrors { field code message } } }`;

interface AttestationView {
  id: string;
  code: string;
  holderName: string;
  trainingTitle: string;
  partnerName: string;
  durationMinutes: number | null;
  issuedAt: string;
  credential: string;
}
type Completion = GraphQLResponse<{
  completeEnrolment: { enrolment: { id: string; status: string; completedAt: string | null; attestation: AttestationView | null } | null; userErrors: UserErrorView[] };
}>;

/** enrol, as `token`: the enrolment, or null with the user errors. */
const enrol = async (token: string, sessionId: string) =>
  (await api.data<{ enrol: { enrolment: { id: string; status: string } | null; userErrors: { code: string }[] } }>(ENROL, { sessionId }, bearer(token))).enrol.enrolment;
/** completeEnrolment as sent: refusals are GraphQL errors (FORBIDDEN) as well as user errors. */
const complete = (id: string, token: string | null): Promise<Completion> => api.gql(COMPLETE, { id }, bearer(token));
/** verifyAttestation, public (on `app`, this file's app unless said otherwise). */
const verify = async (code: string, app = api) =>
  (await app.data<{ verifyAttestation: { valid: boolean; attestation: { code: string; holderName: string; trainingTitle: string } | null } }>(
    `query($code: String!) { verifyAttestation(code: $code) { valid attestation { code holderName trainingTitle } } }`,
    { code },
  )).verifyAttestation;
/** The attestation of an enrolment that an editor of maa completes. */
async function attest(id: string): Promise<AttestationView> {
  const { body } = await complete(id, editor.token);
  expect(body.data?.completeEnrolment.userErrors).toEqual([]);
  return body.data!.completeEnrolment.enrolment!.attestation!;
}

/** A session under way (completion comes after the start), still open to enrolment. */
const UNDER_WAY = { startsAt: day(-1), endsAt: day(1), enrolmentOpensAt: day(-2), enrolmentClosesAt: day(0.5) };

/** A confirmed enrolment of a new agent (display name "Agent 1 du lot N") in a session under way. */
async function confirmedEnrolment(): Promise<{ id: string; owner: Person; sessionId: string }> {
  const [owner] = await agents(api, 1);
  const sessionId = await createSession(api, editor.token, trainingId, UNDER_WAY);
  const enrolment = await enrol(owner.token, sessionId);
  expect(enrolment?.status).toBe('CONFIRMED');
  return { id: enrolment!.id, owner, sessionId };
}

beforeAll(async () => {
  api = await startTestApp({ ...ADMIN_ENV, PUBLIC_URL: 'https://mentor.example.gouv.fr' });
  const team = await editorialTeam(api);
  ({ admin, editor } = team);
  trainingId = (await createDraft(api, editor.token, { title: 'Piloter un projet numérique', durationMinutes: 420 })).id;
  await publish(api, team, trainingId);
  Object.assign(tokens, {
    admin: admin.token,
    'editor of maa': editor.token,
    'editor of dgafp': (await person(api, admin.token, 'editeur@fonction-publique.gouv.fr', [['EDITOR', 'dgafp']])).token,
    'HR correspondent of maa': (await person(api, admin.token, 'rh@agriculture.gouv.fr', [['HR_CORRESPONDENT', 'maa']])).token,
    'editorial committee': team.editorial.token,
    'another agent': (await agents(api, 1))[0].token,
    'API client of maa with enrolments:complete': await clientToken(api, admin.token, 'maa', ['enrolments:complete']),
    'API client of maa without it': await clientToken(api, admin.token, 'maa', ['hr:read']),
    'API client of dgafp with enrolments:complete': await clientToken(api, admin.token, 'dgafp', ['enrolments:complete']),
    'revoked API client of maa': await clientToken(api, admin.token, 'maa', ['enrolments:complete'], { revoked: true }),
  });
});
afterAll(() => api.stop());

describe('completion rights', () => {
  const MATRIX: [role: string, outcome: 'COMPLETED' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND'][] = [
    ['anonymous', 'UNAUTHENTICATED'],
    ['owner', 'FORBIDDEN'],
    ['another agent', 'FORBIDDEN'],
    ['HR correspondent of maa', 'FORBIDDEN'],
    ['editorial committee', 'FORBIDDEN'],
    ['editor of dgafp', 'NOT_FOUND'],
    ['API client of maa without it', 'FORBIDDEN'],
    ['revoked API client of maa', 'FORBIDDEN'],
    ['API client of dgafp with enrolments:complete', 'NOT_FOUND'],
    ['editor of maa', 'COMPLETED'],
    ['admin', 'COMPLETED'],
    ['API client of maa with enrolments:complete', 'COMPLETED'],
  ];

  test.each(MATRIX)('%s → %s', async (role, outcome) => {
    const { id, owner } = await confirmedEnrolment();
    const { body } = await complete(id, role === 'owner' ? owner.token : tokens[role]);
    if (outcome === 'COMPLETED') {
      expect(body.data?.completeEnrolment.userErrors).toEqual([]);
      expect(body.data?.completeEnrolment.enrolment).toMatchObject({ status: 'COMPLETED', completedAt: expect.any(String), attestation: { code: expect.any(String) } });
    } else {
      if (outcome === 'NOT_FOUND') expect(body.data?.completeEnrolment).toEqual({ enrolment: null, userErrors: [expect.objectContaining({ code: 'NOT_FOUND' })] });
      else expect(body.errors?.[0].extensions?.code).toBe(outcome);
      const [row] = await api.sql(`SELECT status, (SELECT count(*)::int FROM attestation a WHERE a.enrolment_id = e.id) AS attestations FROM enrolment e WHERE e.id = $1`,
        [localId(id)]);
      expect(row).toEqual({ status: 'CONFIRMED', attestations: 0 });
    }
  });

  test('an editor does not complete their own enrolment', async () => {
    const sessionId = await createSession(api, editor.token, trainingId);
    const own = await enrol(editor.token, sessionId);
    const { body } = await complete(own!.id, editor.token);
    expect(body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  test('only a confirmed enrolment completes, once: concurrent completions issue one attestation', async () => {
    const people = await agents(api, 2);
    const sessionId = await createSession(api, editor.token, trainingId, { ...UNDER_WAY, capacity: 1 });
    const [seat, waiting] = (await Promise.all(people.map(agent => enrol(agent.token, sessionId)))).map(enrolment => enrolment!);
    const [confirmed, waitlisted] = seat.status === 'CONFIRMED' ? [seat, waiting] : [waiting, seat];
    expect((await complete(waitlisted.id, editor.token)).body.data?.completeEnrolment.userErrors[0]?.code).toBe('INVALID_TRANSITION');
    const attempts = await Promise.all(Array.from({ length: 5 }, () => complete(confirmed.id, editor.token)));
    const codes = attempts.map(({ body }) => body.data!.completeEnrolment.userErrors.map(error => error.code).join() || 'COMPLETED').sort();
    expect(codes).toEqual(['COMPLETED', 'INVALID_TRANSITION', 'INVALID_TRANSITION', 'INVALID_TRANSITION', 'INVALID_TRANSITION']);
    expect(await api.sql(`SELECT count(*)::int AS n FROM attestation WHERE enrolment_id = $1`, [localId(confirmed.id)]))
      .toEqual([{ n: 1 }]);
  });
});

test('a session not started yet cannot be completed; after completion, enrolling again returns the completed enrolment', async () => {
  const [agent] = await agents(api, 1);
  const future = await createSession(api, editor.token, trainingId);
  const early = await enrol(agent.token, future);
  expect((await complete(early!.id, editor.token)).body.data?.completeEnrolment.userErrors[0]?.code).toBe('INVALID_TRANSITION');
  const { id, owner, sessionId } = await confirmedEnrolment();
  expect((await complete(id, editor.token)).body.data?.completeEnrolment.userErrors).toEqual([]);
  expect(await enrol(owner.token, sessionId)).toEqual({ id, status: 'COMPLETED' });
  const local = localId(sessionId);
  expect(await api.sql(`SELECT count(*)::int AS n FROM enrolment WHERE session_id = $1`, [local])).toEqual([{ n: 1 }]);
});

describe('attestations', () => {
  let attestation: AttestationView;
  let owner: Person;
  beforeAll(async () => {
    const enrolment = await confirmedEnrolment();
    owner = enrolment.owner;
    attestation = await attest(enrolment.id);
  });

  test('state who, what, by whom, how long and when, under a short unguessable code', () => {
    expect(attestation).toMatchObject({
      holderName: expect.stringMatching(/^Agent 1 du lot \d+$/),
      trainingTitle: 'Piloter un projet numérique',
      partnerName: 'Ministère de l’Agriculture et de l’Alimentation',
      durationMinutes: 420,
      issuedAt: expect.any(String),
    });
    expect(attestation.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{16}$/);
  });

  test('the credential verifies against /.well-known/jwks.json with a standard JOSE library, as an Open Badges 3.0 credential', async () => {
    const response = await fetch(`${api.origin}/.well-known/jwks.json`);
    expect(response.headers.get('cache-control')).toMatch(/max-age/);
    const jwks = (await response.json()) as { keys: Record<string, string>[] } & JSONWebKeySet;
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: expect.any(String) });
    expect(jwks.keys[0]).not.toHaveProperty('d');
    const { payload: vc, protectedHeader } = await jwtVerify(attestation.credential, createLocalJWKSet(jwks), {
      issuer: 'https://mentor.example.gouv.fr',
      algorithms: ['ES256'],
    });
    expect(protectedHeader.kid).toBe(jwks.keys[0].kid);
    // OB 3.0 §8.2: the credential is the payload; iss, jti and nbf repeat its issuer, id and validFrom.
    const id = `urn:uuid:${localId(attestation.id)}`;
    expect(vc).toMatchObject({ jti: id, id, iss: 'https://mentor.example.gouv.fr', nbf: Math.floor(Date.parse(attestation.issuedAt) / 1000) });
    expect(vc).not.toHaveProperty('vc');
    expect(vc.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential']);
    expect(vc['@context']).toEqual(['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json']);
    expect(vc.issuer).toMatchObject({ id: 'https://mentor.example.gouv.fr', type: ['Profile'] });
    expect(vc.validFrom).toBe(attestation.issuedAt);
    expect(vc.credentialSubject).toMatchObject({
      type: ['AchievementSubject'],
      identifier: [{ identityType: 'name', identityHash: attestation.holderName, hashed: false }],
      achievement: {
        type: ['Achievement'],
        name: 'Piloter un projet numérique',
        creator: { name: attestation.partnerName },
        criteria: { narrative: expect.stringMatching(/durée : 7 h/) },
      },
    });
  });

  test('a tampered credential, or one signed with another key, does not verify', async () => {
    const jwks = (await (await fetch(`${api.origin}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
    const [header, payload, signature] = attestation.credential.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    claims.credentialSubject.identifier[0].identityHash = 'Quelqu’un d’autre';
    const tampered = [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
    await expect(jwtVerify(tampered, createLocalJWKSet(jwks))).rejects.toThrow(/signature verification failed/);
    const forged = [header, payload, Buffer.from('x'.repeat(64)).toString('base64url')].join('.');
    await expect(jwtVerify(forged, createLocalJWKSet(jwks))).rejects.toThrow();
    // Signed with another key under our published kid: refused by a verifier and by verifyAttestation.
    const { kid } = JSON.parse(Buffer.from(header, 'base64url').toString());
    const impostor = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid }).sign(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    await expect(jwtVerify(impostor, createLocalJWKSet(jwks))).rejects.toThrow(/signature verification failed/);
    await api.sql(`UPDATE attestation SET credential = $1 WHERE code = $2`, [impostor, attestation.code]);
    try {
      expect((await verify(attestation.code)).valid).toBe(false);
    } finally {
      await api.sql(`UPDATE attestation SET credential = $1 WHERE code = $2`, [attestation.credential, attestation.code]);
    }
  });

  test('verifyAttestation: public; the code as typed is valid, unknown or altered codes reveal nothing', async () => {
    expect(await verify(attestation.code)).toEqual({ valid: true, attestation: { code: attestation.code, holderName: attestation.holderName, trainingTitle: attestation.trainingTitle } });
    const typed = attestation.code.toLowerCase().replace(/(.{4})(?!$)/g, '$1-');
    expect((await verify(typed)).valid).toBe(true);
    const altered = attestation.code.slice(0, -1) + (attestation.code.endsWith('2') ? '3' : '2');
    for (const code of [altered, 'ABCDEFGHJKMNPQRS', 'pas un code', '']) expect(await verify(code)).toEqual({ valid: false, attestation: null });
  });

  test.each([
    ['holder_name', 'Quelqu’un d’autre'],
    ['training_title', 'Une autre formation'],
    ['duration_minutes', 6000],
  ])('an attestation whose %s was altered in the database is not valid', async (column, value) => {
    const { code } = await attest((await confirmedEnrolment()).id);
    await api.sql(`UPDATE attestation SET ${column} = $1 WHERE code = $2`, [value, code]);
    expect(await verify(code)).toEqual({ valid: false, attestation: null });
  });

  test('an attestation whose stored credential was altered is not valid', async () => {
    const issued = await attest((await confirmedEnrolment()).id);
    const [header, payload, signature] = issued.credential.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    claims.credentialSubject.achievement.name = 'Une autre formation';
    await api.sql(`UPDATE attestation SET credential = $1 WHERE code = $2`, [[header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.'), issued.code]);
    expect(await verify(issued.code)).toEqual({ valid: false, attestation: null });
  });

  test('myAttestations and node(id): the holder sees theirs, nobody else', async () => {
    const mine = await api.gql(`{ myAttestations { id code } }`, undefined, bearer(owner.token));
    expect(mine.body.data.myAttestations).toEqual([{ id: attestation.id, code: attestation.code }]);
    const node = `query($id: ID!) { node(id: $id) { ... on Attestation { code } } }`;
    expect((await api.gql(node, { id: attestation.id }, bearer(owner.token))).body.data.node).toEqual({ code: attestation.code });
    expect((await api.gql(node, { id: attestation.id }, bearer(tokens['another agent']))).body.data.node).toBeNull();
    expect((await api.gql(node, { id: attestation.id })).body.data.node).toBeNull();
  });

  test('after a key rotation the retired key is still published and older attestations still verify', async () => {
    const retired = createPublicKey(await readFile(path.join(api.app.config.dataDir, 'attestation-signing-key.pem'), 'utf8'))
      .export({ format: 'pem', type: 'spki' })
      .toString();
    const next = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const rotated = await startTestApp({ DATABASE_URL: api.database.url, DEMO_DATA: 'false', ATTESTATION_SIGNING_KEY: next, ATTESTATION_RETIRED_PUBLIC_KEYS: retired });
    try {
      const jwks = (await (await fetch(`${rotated.origin}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
      expect(jwks.keys).toHaveLength(2);
      await expect(jwtVerify(attestation.credential, createLocalJWKSet(jwks))).resolves.toBeDefined();
      expect((await verify(attestation.code, rotated)).valid).toBe(true);
    } finally {
      await rotated.stop();
    }
  });
});
