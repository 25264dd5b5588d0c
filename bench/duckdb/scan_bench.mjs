// The DuckDB side of silt's scan benchmark (bench/scan_bench.cc runs it;
// scripts/bench_scan.sh installs @duckdb/node-api into a scratch copy of this
// directory). Loads lineitem from CSV into a fresh DuckDB database file,
// CHECKPOINTs it, reopens it and runs TPC-H Q1 and Q6 with one thread and
// with all threads: one warm-up run, then --runs timed runs each (the median
// is reported). Prints one JSON object on stdout; progress goes to stderr.
//
// With --serve 1 (how bench/scan_bench.cc runs it, so that the three systems'
// runs interleave on a shared machine) it prints the load results as one JSON
// line, then answers requests read from stdin, one JSON line each:
//   {"query": "q1"|"q6", "threads": N}  ->  {"seconds": S, "rows": [...]}
// until stdin ends.
//
// Usage: node scan_bench.mjs --csv FILE --db FILE [--runs 3] [--serve 1]
import fs from 'node:fs';
import os from 'node:os';
import { DuckDBInstance } from '@duckdb/node-api';

function parseArgs(argv) {
  const args = { runs: 3 };
  for (let i = 2; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (argv[i + 1] === undefined) throw new Error(`missing value for ${argv[i]}`);
    args[key] = key === 'runs' || key === 'serve' ? Number(argv[i + 1]) : argv[i + 1];
  }
  if (!args.csv || !args.db) throw new Error('usage: node scan_bench.mjs --csv FILE --db FILE [--runs N]');
  if (!(args.runs >= 1)) throw new Error('--runs must be at least 1');
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

// The same queries silt runs (bench/scan_bench.cc): TPC-H Q1 and Q6 with
// their validation parameters (DELTA 90 days, 1994, discount 0.06, quantity 24).
export const QUERIES = {
  q1: `SELECT l_returnflag, l_linestatus, sum(l_quantity) AS sum_qty,
         sum(l_extendedprice) AS sum_base_price,
         sum(l_extendedprice * (1 - l_discount)) AS sum_disc_price,
         sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) AS sum_charge,
         avg(l_quantity) AS avg_qty, avg(l_extendedprice) AS avg_price,
         avg(l_discount) AS avg_disc, count(*) AS count_order
       FROM lineitem WHERE l_shipdate <= DATE '1998-09-02'
       GROUP BY l_returnflag, l_linestatus ORDER BY l_returnflag, l_linestatus`,
  q6: `SELECT sum(l_extendedprice * l_discount) AS revenue FROM lineitem
       WHERE l_shipdate >= DATE '1994-01-01' AND l_shipdate < DATE '1995-01-01'
         AND l_discount BETWEEN 0.05 AND 0.07 AND l_quantity < 24`,
};

function log(msg) {
  process.stderr.write(`[duckdb] ${msg}\n`);
}

function fileSize(path) {
  try {
    return fs.statSync(path).size;
  } catch {
    return 0;
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function runOnce(conn, sql) {
  const t0 = process.hrtime.bigint();
  const reader = await conn.runAndReadAll(sql);
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, rows: reader.getRowsJson() };
}

// Answers {"query", "threads"} lines from stdin until it ends.
async function serve(conn) {
  const readline = await import('node:readline');
  const rl = readline.createInterface({ input: process.stdin, terminal: false });
  for await (const line of rl) {
    if (!line.trim()) continue;
    const req = JSON.parse(line);
    const sql = QUERIES[req.query];
    if (!sql) throw new Error(`unknown query ${req.query}`);
    await conn.run(`SET threads = ${Number(req.threads)}`);
    process.stdout.write(JSON.stringify(await runOnce(conn, sql)) + '\n');
  }
}

async function timeQuery(conn, sql, runs) {
  await conn.runAndReadAll(sql);  // warm-up: pages into DuckDB's buffer pool
  const times = [];
  let rows = null;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const reader = await conn.runAndReadAll(sql);
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
    rows = reader.getRowsJson();
  }
  return { median_seconds: median(times), seconds: times, rows };
}

async function main() {
  const args = parseArgs(process.argv);
  for (const f of [args.db, `${args.db}.wal`]) fs.rmSync(f, { force: true });

  log(`loading ${args.csv} into ${args.db}`);
  let t0 = process.hrtime.bigint();
  {
    const instance = await DuckDBInstance.create(args.db);
    const conn = await instance.connect();
    await conn.run(CREATE);
    await conn.run(`COPY lineitem FROM '${args.csv.replaceAll("'", "''")}' (HEADER)`);
    await conn.run('CHECKPOINT');
    conn.closeSync();
    instance.closeSync();
  }
  const loadSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const fileBytes = fileSize(args.db) + fileSize(`${args.db}.wal`);
  log(`loaded in ${loadSeconds.toFixed(2)} s, ${fileBytes} bytes`);

  const instance = await DuckDBInstance.create(args.db);
  const conn = await instance.connect();
  const count = (await conn.runAndReadAll('SELECT count(*) AS n FROM lineitem')).getRowsJson()[0][0];
  const version = (await conn.runAndReadAll('SELECT version()')).getRowsJson()[0][0];
  const defaultThreads = Number(
    (await conn.runAndReadAll("SELECT current_setting('threads')")).getRowsJson()[0][0]);

  const out = {
    duckdb_version: version,
    rows: Number(count),
    load_seconds: loadSeconds,
    file_bytes: fileBytes,
    threads_all: defaultThreads,
    cpus: os.cpus().length,
    runs: args.runs,
    queries: {},
  };
  if (args.serve) {
    process.stdout.write(JSON.stringify(out) + '\n');
    await serve(conn);
    conn.closeSync();
    instance.closeSync();
    return;
  }
  for (const [name, sql] of Object.entries(QUERIES)) {
    out.queries[name] = {};
    for (const [label, threads] of [['threads_1', 1], ['threads_all', defaultThreads]]) {
      await conn.run(`SET threads = ${threads}`);
      log(`${name} with ${threads} thread(s)`);
      out.queries[name][label] = await timeQuery(conn, sql, args.runs);
    }
  }
  conn.closeSync();
  instance.closeSync();
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((e) => {
  process.stderr.write(`[duckdb] error: ${e.stack || e}\n`);
  process.exit(1);
});
