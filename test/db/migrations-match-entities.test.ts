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
