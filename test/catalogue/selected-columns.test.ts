import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Lists read only the columns their query selects: every field must still come back as it does
 * through node(id), which reads whole rows. The selections are built from the schema, so a field
 * added later is covered too.
 */
let api: TestApp;
beforeAll(async () => {
  api = await startTestApp();
});
afterAll(() => api.stop());

interface IntrospectedField {
  name: string;
  args: unknown[];
  type: { kind: string; ofType: { kind: string; ofType: { kind: string } | null } | null };
}

/** The fields of `typeName` without arguments whose type is a scalar or an enum (lists and non-null included). */
async function leafFields(typeName: string): Promise<string[]> {
  const { __type } = await api.data<{ __type: { fields: IntrospectedField[] } }>(
    `query($name: String!) { __type(name: $name) { fields { name args { name } type { kind ofType { kind ofType { kind ofType { kind } } } } } } }`,
    { name: typeName },
  );
  const leaf = (type: { kind: string; ofType?: unknown } | null): boolean =>
    type !== null && (type.kind === 'SCALAR' || type.kind === 'ENUM' || ((type.kind === 'NON_NULL' || type.kind === 'LIST') && leaf(type.ofType as never)));
  return __type.fields.filter(field => field.args.length === 0 && leaf(field.type)).map(field => field.name);
}

type Row = Record<string, unknown> & { id: string };

test('a catalogue page returns every training and session field as node(id) does', async () => {
  const trainingFields = (await leafFields('Training')).join(' ');
  const sessionFields = (await leafFields('TrainingSession')).join(' ');
  expect(trainingFields).toContain('title');
  expect(sessionFields).toContain('seatsLeft');
  const page = await api.data<{ trainings: { edges: { node: Row & { sessions: { edges: { node: Row }[] } } }[] } }>(
    `{ trainings(first: 30) { edges { node { ${trainingFields} collection { slug } partner { slug } licence { code }
      sessions(first: 5) { edges { node { ${sessionFields} } } } } } } }`,
  );
  const trainings = page.trainings.edges.map(edge => edge.node);
  expect(trainings.length).toBeGreaterThan(20);
  for (const { sessions, ...training } of trainings) {
    const whole = await api.data<{ node: Row }>(
      `query($id: ID!) { node(id: $id) { ... on Training { ${trainingFields} collection { slug } partner { slug } licence { code } } } }`,
      { id: training.id },
    );
    expect(training).toEqual(whole.node);
    for (const session of sessions.edges.map(edge => edge.node)) {
      const wholeSession = await api.data<{ node: Row }>(`query($id: ID!) { node(id: $id) { ... on TrainingSession { ${sessionFields} } } }`, { id: session.id });
      expect(session).toEqual(wholeSession.node);
    }
  }
});

test('fields reached through fragments and aliases are read too', async () => {
  type Sheet = { id: string; heading: string; summary: string; durationMinutes: number | null };
  const selection = 'id heading: title ...Sheet ... on Training { durationMinutes }';
  const { trainings } = await api.data<{ trainings: { edges: { node: Sheet }[] } }>(
    `fragment Sheet on TrainingSheet { summary } { trainings(first: 10) { edges { node { ${selection} } } } }`,
  );
  const durations = trainings.edges.map(edge => edge.node.durationMinutes);
  expect(durations.some(duration => duration !== null)).toBe(true);
  for (const { node } of trainings.edges) {
    const whole = await api.data<{ node: Sheet }>(`fragment Sheet on TrainingSheet { summary } query($id: ID!) { node(id: $id) { ... on Training { ${selection} } } }`, { id: node.id });
    expect(node).toEqual(whole.node);
  }
});
