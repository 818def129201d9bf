/** `npm run bench`: runs every benchmark and prints medians and ratios measured in the same run. */
const suites: Array<[string, string]> = [
  ['policy', './policy.js'],
  ['http', './http.js'],
  ['federation', './federation.js'],
  ['s3', './s3.js'],
  ['pagination', './pagination.js'],
  ['lookup-events', './lookup-events.js'],
  ['writes', './writes.js'],
  ['datasize', './datasize.js'],
  ['pgcompare', './pgcompare.js'],
];

const only = process.argv[2];
for (const [name, file] of suites) {
  if (only && only !== name) continue;
  const mod = (await import(file)) as { run: () => Promise<void> };
  console.log(`# ${name}`);
  await mod.run();
}
