import { startTestApp, type TestApp } from '../support/test-app';

let api: TestApp;
beforeAll(async () => {
  api = await startTestApp({ DEMO_DATA: 'false' });
});
afterAll(() => api.stop());

// What `typeorm migration:generate --check` asks: after every migration, would the entities need
// any more SQL? A change to an entity without its migration fails here.
test('the migrations build exactly the schema the entities describe', async () => {
  const { upQueries } = await api.app.database.dataSource.driver.createSchemaBuilder().log();
  expect(upQueries.map(query => query.query)).toEqual([]);
});

// A session column that anonymous readers see but that does not raise the catalogue's version would
// leave cached answers stale: every column but the bookkeeping ones must be in the trigger's list.
test("every public column of a session raises the catalogue's version when it changes", async () => {
  const [{ watched }] = await api.sql(
    `SELECT array_agg(a.attname::text ORDER BY a.attname) AS watched FROM pg_trigger t
     JOIN pg_attribute a ON a.attrelid = t.tgrelid AND a.attnum = ANY(t.tgattr::int2[])
     WHERE t.tgname = 'training_session_catalogue_changed'`,
  );
  const columns = api.app.database.dataSource.getMetadata('TrainingSession').columns.map(column => column.databaseName);
  const bookkeeping = ['id', 'created_at', 'updated_at', 'seats_taken', 'waitlist_length'];
  expect(watched).toEqual(columns.filter(column => !bookkeeping.includes(column)).sort());
});
