export { EnvironmentError, loadEnvironmentOrExit, parseEnvironment } from './parse-environment.js';
export { dataDir, httpUrl, logLevel, nodeEnv, port, positiveMilliseconds, postgresUrl, redisUrls } from './variables.js';
export { nodeOptionsOf } from './node-options.js';
