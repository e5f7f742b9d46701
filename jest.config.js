/** Temporal's native bridge and real servers need plain Node, not jsdom. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 180000,
  // CI must end when the tests have: a handle some suite leaves open (worker threads, sockets) must not
  // hold the run until its time limit. `npx jest --detectOpenHandles` names them.
  forceExit: true,
  setupFiles: ['<rootDir>/tests/setup/temporalLogging.ts', '<rootDir>/tests/setup/productLogs.ts', '<rootDir>/tests/setup/payloadKeys.ts', '<rootDir>/tests/setup/passwordCost.ts'],
  reporters: ['default', '<rootDir>/tests/setup/summaryReporter.js'],
};
