import { closeTestDatabase } from './database.js';

/** Mocha root hooks: the shared test database is closed once, after every test. */
export const mochaHooks = {
  async afterAll() {
    await closeTestDatabase();
  },
};
