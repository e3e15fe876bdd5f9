// What `npm start` runs on: the process environment over the .env file of the working directory,
// read exactly as the bot reads it (bot/config readEnvironment). Production settings there mean the
// machine is meant for production; local mode trusts the channel without a token, so the runner
// stops before it starts anything, naming the setting and where it was found.
import { ConfigError, PRODUCTION_SETTINGS, readEnvironment, type Env } from '../bot/config';

export function localEnvironment(processEnv: Env, envFile: string): Env {
  const env = readEnvironment(processEnv, envFile);
  const found = PRODUCTION_SETTINGS.find((name) => (env[name] ?? '').trim() !== '');
  if (found !== undefined) {
    const where = (processEnv[found] ?? '').trim() !== '' ? 'the environment' : envFile;
    throw new ConfigError(
      found,
      `is a production setting (set in ${where}); \`npm start\` runs local mode only and refuses to start while it is set. ` +
        'Remove it to run locally; production is deployed as docs/deploy.md describes.',
    );
  }
  return env;
}
