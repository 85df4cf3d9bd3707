/*
 * SuiteCloud CLI configuration (https://github.com/oracle/netsuite-suitecloud-sdk).
 * The SuiteScripts are TypeScript in ts/; the CLI deploys the emitted AMD JavaScript in
 * src/FileCabinet/SuiteScripts/OMS/, so every validate/deploy compiles first.
 */
const { execFileSync } = require('node:child_process');
const path = require('node:path');

function compile() {
  const tsc = require.resolve('typescript/bin/tsc', { paths: [__dirname, path.join(__dirname, '..')] });
  execFileSync(process.execPath, [tsc, '-p', path.join(__dirname, 'tsconfig.json')], { stdio: 'inherit' });
}

const compileFirst = {
  beforeExecuting: (options) => {
    compile();
    return options;
  },
};

module.exports = {
  defaultProjectFolder: 'src',
  commands: {
    'project:validate': compileFirst,
    'project:deploy': compileFirst,
  },
};
