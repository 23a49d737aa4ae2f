import { authEnvironment } from '@trialgraph/auth';
import { dataDir, loadEnvironmentOrExit } from '@trialgraph/config';

/** What the command line reads from the environment: the only place it does. */
export function loadCliConfig(env: Record<string, string | undefined> = process.env) {
  return loadEnvironmentOrExit({ ...authEnvironment, DATA_DIR: dataDir }, env);
}
