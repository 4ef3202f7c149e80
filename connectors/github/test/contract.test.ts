/**
 * The shared contract suite against the simulated GitHub (or, with
 * `LAKEFLOW_TEST_MODE=live` and `LAKEFLOW_TEST_CONFIG_JSON`, against GitHub itself).
 */
import { describeConnector } from '@lakeflow/testkit'
import { githubTestConfig } from './github-test-config.ts'

describeConnector(githubTestConfig)
