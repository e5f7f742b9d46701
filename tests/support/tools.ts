/** Paths of the tools scripts/with-tools.sh installed; the README test command sets them. */
export function requiredTool(envVar: 'TEMPORAL_CLI'): string {
  const path = process.env[envVar];
  if (!path) throw new Error(`${envVar} is not set: run the tests with \`npm test\`, which installs the tools and sets it`);
  return path;
}
