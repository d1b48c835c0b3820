// What the Node runners share: their command line (corpus, passes, time budget), the corpus
// read from JSON lines, an installed package's package.json, and the timing loop (the budget
// checked once every 64 messages, as the Rust side does).

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const CHECK_EVERY = 64;

/** `--corpus PATH [--passes N] [--budget-secs S]`; exits with the usage when no corpus. */
export function runnerArgs(script, defaultBudgetSecs) {
  const { values: args } = parseArgs({
    options: {
      corpus: { type: 'string' },
      passes: { type: 'string', default: '5' },
      'budget-secs': { type: 'string', default: String(defaultBudgetSecs) },
    },
  });
  if (!args.corpus) {
    console.error(`usage: node ${script} --corpus FILE.jsonl [--passes N] [--budget-secs S]`);
    process.exit(2);
  }
  return {
    corpus: args.corpus,
    passes: Number(args.passes),
    budgetNs: BigInt(Math.round(Number(args['budget-secs']) * 1e9)),
  };
}

/** The corpus's lines, one JSON object each. */
export function readCorpus(path) {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l));
}

/** The package.json of an installed package. */
export function packageJson(name) {
  const url = new URL(`./node_modules/${name}/package.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8'));
}

/** Runs `flags` over `texts` up to `passes` times or until `budgetNs` is spent. */
export function timeOn(flags, texts, passes, budgetNs) {
  let timed = 0;
  let hits = 0;
  const start = process.hrtime.bigint();
  outer: for (let p = 0; p < passes; p++) {
    for (const text of texts) {
      if (flags(text)) hits++;
      timed++;
      if (timed % CHECK_EVERY === 0 && process.hrtime.bigint() - start >= budgetNs) break outer;
    }
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  // Keep the result alive so the timed calls cannot be optimised away.
  if (hits < 0) console.error(hits);
  return { timed_messages: timed, seconds };
}
