// Child processes and threads get an explicit, allow-listed environment (issue 8): a spread of
// process.env hands them NODE_OPTIONS and, through Node's for-in over `env`, keys added to
// Object.prototype; a worker thread given no `env` gets a copy of the whole process.env.
// Processes are started only by the launcher in src/main/core/speech/local.
const processEnv = "[object.name='process'][property.name='env']";

/** `no-restricted-syntax` entries for src/. */
export const noProcessEnvToChildren = [
  {
    selector: `SpreadElement > MemberExpression.argument${processEnv}`,
    message: 'Do not spread process.env: give child processes an allow-listed env (workerEnv).',
  },
  {
    selector: `Property[key.name='env'] > MemberExpression.value${processEnv}`,
    message: 'Do not pass process.env to a child: give it an allow-listed env (workerEnv).',
  },
  {
    selector: `CallExpression[callee.object.name='Object'][callee.property.name='assign'] > MemberExpression.arguments${processEnv}`,
    message: 'Do not copy process.env: give child processes an allow-listed env (workerEnv).',
  },
  {
    selector: "NewExpression[callee.name='Worker'][arguments.length<2]",
    message:
      'A worker thread without options copies process.env: pass options with an explicit env (e.g. an empty prototype-less object).',
  },
  {
    selector:
      "NewExpression[callee.name='Worker'] > ObjectExpression.arguments:not(:has(> Property[key.name='env']))",
    message:
      'A worker thread without `env` copies process.env: pass options with an explicit env (e.g. an empty prototype-less object).',
  },
];
