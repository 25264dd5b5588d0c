// The DuckDB side of silt's node benchmark (bench/node_bench.cc runs it;
// scripts/bench_node.sh installs @duckdb/node-api into a scratch copy of this
// directory). Imports lineitem from CSV into a fresh DuckDB database file on
// one thread (SET threads = 1): CREATE TABLE with lineitem's types, then
// COPY ... FROM the CSV (HEADER), then CHECKPOINT so that the rows are in the
// database file (durable), as silt's import commits them. Prints one JSON
// object on stdout: {duckdb_version, rows, copy_seconds, checkpoint_seconds,
// seconds (the two together, after the connection is open), file_bytes}.
//
// Usage: node import_bench.mjs --csv FILE --db FILE [--threads 1]
import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

function parseArgs(argv) {
  const args = { threads: 1 };
  for (let i = 2; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (argv[i + 1] === undefined) throw new Error(`missing value for ${argv[i]}`);
    args[key] = key === 'threads' ? Number(argv[i + 1]) : argv[i + 1];
  }
  if (!args.csv || !args.db) throw new Error('usage: node import_bench.mjs --csv FILE --db FILE');
  if (!(args.threads >= 1)) throw new Error('--threads must be at least 1');
  return args;
}

// TPC-H's lineitem types, as silt's generator writes them (docs/tpch.md).
const CREATE = `CREATE TABLE lineitem (
  l_orderkey BIGINT NOT NULL, l_partkey BIGINT NOT NULL, l_suppkey BIGINT NOT NULL,
  l_linenumber INTEGER NOT NULL, l_quantity DECIMAL(15,2) NOT NULL,
  l_extendedprice DECIMAL(15,2) NOT NULL, l_discount DECIMAL(15,2) NOT NULL,
  l_tax DECIMAL(15,2) NOT NULL, l_returnflag VARCHAR NOT NULL, l_linestatus VARCHAR NOT NULL,
  l_shipdate DATE NOT NULL, l_commitdate DATE NOT NULL, l_receiptdate DATE NOT NULL,
  l_shipinstruct VARCHAR NOT NULL, l_shipmode VARCHAR NOT NULL, l_comment VARCHAR NOT NULL)`;

function fileSize(path) {
  try {
    return fs.statSync(path).size;
  } catch {
    return 0;
  }
}

const seconds = (t0) => Number(process.hrtime.bigint() - t0) / 1e9;

async function main() {
  const args = parseArgs(process.argv);
  for (const f of [args.db, `${args.db}.wal`]) fs.rmSync(f, { force: true });
  const instance = await DuckDBInstance.create(args.db);
  const conn = await instance.connect();
  await conn.run(`SET threads = ${args.threads}`);
  await conn.run(CREATE);
  const t0 = process.hrtime.bigint();
  await conn.run(`COPY lineitem FROM '${args.csv.replaceAll("'", "''")}' (HEADER)`);
  const copySeconds = seconds(t0);
  const t1 = process.hrtime.bigint();
  await conn.run('CHECKPOINT');
  const checkpointSeconds = seconds(t1);
  const total = seconds(t0);
  const count = (await conn.runAndReadAll('SELECT count(*) FROM lineitem')).getRowsJson()[0][0];
  const version = (await conn.runAndReadAll('SELECT version()')).getRowsJson()[0][0];
  conn.closeSync();
  instance.closeSync();
  process.stdout.write(JSON.stringify({
    duckdb_version: version,
    threads: args.threads,
    rows: Number(count),
    copy_seconds: copySeconds,
    checkpoint_seconds: checkpointSeconds,
    seconds: total,
    file_bytes: fileSize(args.db) + fileSize(`${args.db}.wal`),
  }) + '\n');
}

main().catch((e) => {
  process.stderr.write(`[duckdb] ${e.stack || e}\n`);
  process.exit(1);
});
