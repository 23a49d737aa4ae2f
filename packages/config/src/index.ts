export { EnvironmentError, loadEnvironmentOrExit, parseEnvironment } from './parse-environment.js';
export { databaseLimitsEnvironment, dataDir, httpUrl, logLevel, nodeEnv, port, positiveMilliseconds, postgresUrl, redisUrls, requestTimeEnvironment } from './variables.js';
export { nodeOptionsOf } from './node-options.js';
