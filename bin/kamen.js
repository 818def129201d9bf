#!/usr/bin/env node
// Entry point of the `kamen` command: runs the compiled CLI.
import { main } from '../dist/src/cli/main.js';
main(process.argv).catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
