/**
 * The zip writer lives in core (`@lakeflow/core/formats`, beside the streaming zip reader);
 * the wheel builder and this package's API use that one copy.
 */
export { writeZip, type ZipFile as ZipEntry } from '@lakeflow/core/formats'
