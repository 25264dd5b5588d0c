// silt snapshot create|list|verify|restore|reap: snapshots of the node's
// tables (silt/node_snapshot.h, docs/node_snapshot.md).
#include <fmt/format.h>

#include <charconv>
#include <memory>
#include <string>

#include "cli.h"
#include "common/file_names.h"
#include "common/path.h"
#include "node_cli.h"
#include "silt/node.h"
#include "silt/node_snapshot.h"
#include "silt/snapshot_store.h"

namespace silt::cli {
namespace {

struct SnapshotFlags {
  std::string store;  // --store; default DATA/snapshots
  std::string shard;  // --shard: a shard number or a table name
  bool full = false;
  bool no_flush = false;
  std::string id;
  std::string to;
};

Result<std::unique_ptr<SnapshotStore>> OpenStore(const Cli& cli, const SnapshotFlags& f) {
  const std::string root = f.store.empty() ? JoinPath(cli.data_dir, kSnapshotsDirName) : f.store;
  return SnapshotStore::Open(Env::Default(), root);
}

Status Create(const Cli& cli, const SnapshotFlags& f) {
  SILT_ASSIGN_OR_RETURN(auto node, OpenNode(cli));
  NodeSnapshotOptions o;
  o.full = f.full;
  o.flush = !f.no_flush;
  if (!f.shard.empty()) {
    ShardId shard = 0;
    const char* end = f.shard.data() + f.shard.size();
    if (std::from_chars(f.shard.data(), end, shard).ptr == end) {
      o.shard = shard;
    } else {
      SILT_ASSIGN_OR_RETURN(TableName t, SplitName(f.shard, ""));
      auto st = node->DescribeTable(t.schema, t.name);
      if (!st.ok()) {
        return Status::InvalidArgument(
            fmt::format("--shard {}: not a shard number, and {}", f.shard, st.status().message()));
      }
      o.shard = st->shard;
    }
  }
  SILT_ASSIGN_OR_RETURN(auto store, OpenStore(cli, f));
  SILT_ASSIGN_OR_RETURN(NodeSnapshotResult r, node->Snapshot(*store, o));
  fmt::print("snapshot {}: {}{}, epoch {}, {} table{}\n", r.id, SnapshotKindName(r.kind),
             r.base.empty() ? "" : fmt::format(" on {}", r.base), r.epoch, r.tables,
             r.tables == 1 ? "" : "s");
  fmt::print("  files: {} ({}), {} added ({}), {} removed since the base\n", r.files,
             Bytes(r.bytes), r.files_added, Bytes(r.bytes_added), r.files_removed);
  fmt::print("  log records after the safe ids: {} ({})\n", r.log_records, Bytes(r.log_bytes));
  fmt::print("  took {:.3f} s; writers waited at most {:.6f} s\n", r.seconds, r.capture_seconds);
  return Status::OK();
}

Status List(const Cli& cli, const SnapshotFlags& f) {
  SILT_ASSIGN_OR_RETURN(auto store, OpenStore(cli, f));
  SILT_ASSIGN_OR_RETURN(auto all, store->List());
  for (const SnapshotInfo& s : all) {
    uint64_t bytes = 0;
    for (const SnapshotFileInfo& file : s.files) bytes += file.size;
    auto attr = [&](const char* k) {
      auto it = s.attributes.find(k);
      return it == s.attributes.end() ? std::string("-") : it->second;
    };
    fmt::print("{} {} epoch={} scope={} files={} bytes={}{}\n", s.id, SnapshotKindName(s.kind),
               attr("node.epoch"), attr("node.scope"), s.files.size(), bytes,
               s.base.empty() ? "" : " base=" + s.base);
  }
  return Status::OK();
}

Status Verify(const Cli& cli, const SnapshotFlags& f) {
  SILT_ASSIGN_OR_RETURN(auto store, OpenStore(cli, f));
  SILT_ASSIGN_OR_RETURN(NodeSnapshotCheck c, VerifyNodeSnapshot(*store, f.id));
  fmt::print("ok: {} snapshot{} in the chain, {} files, {} checked\n", c.snapshots,
             c.snapshots == 1 ? "" : "s", c.files, Bytes(c.bytes));
  return Status::OK();
}

Status Restore(const Cli& cli, const SnapshotFlags& f) {
  SILT_ASSIGN_OR_RETURN(auto store, OpenStore(cli, f));
  SILT_ASSIGN_OR_RETURN(NodeRestoreResult r, Node::Restore(*store, f.id, f.to));
  fmt::print(
      "restored snapshot {} (epoch {}) to {}: {} table{}, {} files ({}), {} log records, "
      "{:.3f} s\n",
      r.id, r.epoch, f.to, r.tables, r.tables == 1 ? "" : "s", r.files, Bytes(r.bytes),
      r.log_records, r.seconds);
  return Status::OK();
}

Status Reap(const Cli& cli, const SnapshotFlags& f) {
  SILT_ASSIGN_OR_RETURN(auto store, OpenStore(cli, f));
  SILT_ASSIGN_OR_RETURN(int n, ReapNodeSnapshots(*store));
  SILT_RETURN_IF_ERROR(store->WaitForDeletes());
  fmt::print("reaped {} snapshot{}\n", n, n == 1 ? "" : "s");
  return Status::OK();
}

void RegisterSnapshotCommands(Cli& cli) {
  CLI::App* snap = cli.app.add_subcommand(
      "snapshot", "Snapshots of the node's tables: create, list, verify, restore, reap");
  snap->require_subcommand(1);
  auto add = [&](const char* name, const char* help, Status (*fn)(const Cli&, const SnapshotFlags&),
                 auto&& options) {
    auto f = std::make_shared<SnapshotFlags>();
    CLI::App* c = snap->add_subcommand(name, help);
    c->add_option("--store", f->store, "Snapshot store directory (default DATA/snapshots)");
    options(c, *f);
    c->callback([&cli, f, fn] { cli.action = [&cli, f, fn] { return fn(cli, *f); }; });
  };
  add("create",
      "Snapshot the node (or one shard): incremental on the newest snapshot when possible", Create,
      [](CLI::App* c, SnapshotFlags& f) {
        c->add_option("--shard", f.shard, "Only this shard (a number, or a table's name)");
        c->add_flag("--full", f.full, "A full snapshot even if an incremental one is possible");
        c->add_flag("--no-flush", f.no_flush,
                    "Do not flush memtables first (the snapshot carries their log records)");
      });
  add("list", "List snapshots, oldest first, one per line, id first", List,
      [](CLI::App*, SnapshotFlags&) {});
  add("verify", "Check a snapshot chain's files and checksums without restoring it", Verify,
      [](CLI::App* c, SnapshotFlags& f) {
        c->add_option("id", f.id, "Snapshot id (default: the newest)");
      });
  add("restore", "Build a new data directory from a snapshot chain", Restore,
      [](CLI::App* c, SnapshotFlags& f) {
        c->add_option("id", f.id, "Snapshot id (default: the newest)");
        c->add_option("--to", f.to, "The new data directory (must not exist, or be empty)")
            ->required();
      });
  add("reap", "Delete snapshots older than the newest (folding an incremental chain first)", Reap,
      [](CLI::App*, SnapshotFlags&) {});
}

const CommandRegistrar kRegistrar(160, RegisterSnapshotCommands);

}  // namespace
}  // namespace silt::cli
