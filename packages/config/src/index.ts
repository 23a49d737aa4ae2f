export { EnvironmentError, loadEnvironmentOrExit, parseEnvironment, type EnvironmentOptions } from './parse-environment.js';
export {
  databaseLimitsEnvironment,
  dataDir,
  httpUrl,
  listenHost,
  logLevel,
  maxRowsPerRequest,
  nodeEnv,
  operationLimitsOf,
  operationLimitVariables,
  port,
  positiveMilliseconds,
  postgresUrl,
  redisUrls,
  requestTimeEnvironment,
  requestTimeoutsOf,
  requestTimeoutVariables,
  subgraphEnvironment,
  subgraphLimitsOf,
  subgraphLimitVariables,
  type SubgraphLimits,
} from './variables.js';
export { nodeOptionsOf } from './node-options.js';
