import { describeConnector } from '@lakeflow/testkit'
import { exampleTestConfig } from './example-test-config.ts'

describeConnector(exampleTestConfig)
