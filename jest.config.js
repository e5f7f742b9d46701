/** Temporal's native bridge and real servers need plain Node, not jsdom. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 180000,
  setupFiles: ['<rootDir>/tests/setup/temporalLogging.ts'],
  reporters: ['default', '<rootDir>/tests/setup/summaryReporter.js'],
};
