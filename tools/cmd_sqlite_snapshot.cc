// `silt sqlite snapshot ...`: the SQLite snapshot store (src/snapshot/sqlite_snapshot.h).
//   silt sqlite snapshot create --db PATH --store DIR [--full] [--term T --index I]
//   silt sqlite snapshot list --store DIR
//   silt sqlite snapshot restore --store DIR [--id ID] --out PATH
// Added to the `sqlite` group registered by cmd_sqlite.cc (order 400).
#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "cli.h"
#include "snapshot/sqlite_snapshot.h"

namespace silt::cli {

namespace {

struct CreateArgs {
  std::string db;
  std::string store;
  bool full = false;
  int64_t term = -1;
  int64_t index = -1;
};

struct ListArgs {
  std::string store;
};

struct RestoreArgs {
  std::string store;
  std::string id;
  std::string out;
};

Status RunCreate(const CreateArgs& args) {
  if ((args.term < 0) != (args.index < 0)) {
    return Status::InvalidArgument("snapshot create: give both --term and --index, or neither");
  }
  Env* env = Env::Default();
  if (!env->FileExists(args.db)) {
    return Status::InvalidArgument(fmt::format("snapshot create: {}: no such database", args.db));
  }
  SILT_ASSIGN_OR_RETURN(auto store, SqliteSnapshotStore::Open(env, args.store));
  uint64_t term = 0;
  uint64_t index = 0;
  if (args.term >= 0) {
    term = static_cast<uint64_t>(args.term);
    index = static_cast<uint64_t>(args.index);
  } else {
    // Without a raft position, each snapshot takes the next index.
    SILT_ASSIGN_OR_RETURN(auto newest, store->store()->Newest());
    if (newest) {
      term = newest->term;
      index = newest->index + 1;
    }
  }
  SnapshotKind kind = SnapshotKind::kFull;
  if (!args.full) {
    SILT_ASSIGN_OR_RETURN(auto newest, store->store()->Newest());
    // The first snapshot of a store is full; after that incremental unless --full.
    if (newest) kind = SnapshotKind::kIncremental;
  }
  SILT_ASSIGN_OR_RETURN(auto result, store->Snapshot(args.db, term, index, kind));
  std::printf("%s %s bytes %llu\n", result.id.c_str(), SnapshotKindName(result.kind),
              static_cast<unsigned long long>(result.bytes));
  // The snapshot is durable; its fold ran in the background. Report a failed
  // fold (the next command's open finishes it) rather than exit 0 over it.
  const Status fold = store->WaitForFold();
  if (!fold.ok()) {
    return fold.WithContext(fmt::format("snapshot {} is durable, but its fold failed", result.id));
  }
  return Status::OK();
}

Status RunList(const ListArgs& args) {
  Env* env = Env::Default();
  if (!env->IsDirectory(args.store).value_or(false)) {
    return Status::InvalidArgument(fmt::format("snapshot list: {}: no such store", args.store));
  }
  SILT_ASSIGN_OR_RETURN(auto store, SqliteSnapshotStore::Open(env, args.store));
  SILT_ASSIGN_OR_RETURN(auto all, store->List());
  std::string out;
  // Newest first: the one a restore without --id uses.
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    uint64_t bytes = 0;
    for (const auto& f : it->files) bytes += f.size;
    out += fmt::format("{} term {} index {} {} bytes {}\n", it->id, it->term, it->index,
                       SnapshotKindName(it->kind), bytes);
  }
  if (store->store()->full_needed()) out += "full snapshot needed\n";
  std::fputs(out.c_str(), stdout);
  return Status::OK();
}

Status RunRestore(const RestoreArgs& args) {
  Env* env = Env::Default();
  if (!env->IsDirectory(args.store).value_or(false)) {
    return Status::InvalidArgument(fmt::format("snapshot restore: {}: no such store", args.store));
  }
  SILT_ASSIGN_OR_RETURN(auto store, SqliteSnapshotStore::Open(env, args.store));
  SILT_RETURN_IF_ERROR(store->Restore(args.id, args.out));
  std::printf("restored %s to %s\n", args.id.empty() ? "newest snapshot" : args.id.c_str(),
              args.out.c_str());
  return Status::OK();
}

void RegisterSqliteSnapshotCommands(Cli& cli) {
  CLI::App* sqlite = cli.app.get_subcommand("sqlite");
  CLI::App* group =
      sqlite->add_subcommand("snapshot", "Take, list and restore snapshots of a SQLite database");
  group->require_subcommand(1);

  auto create = std::make_shared<CreateArgs>();
  CLI::App* cmd = group->add_subcommand(
      "create",
      "Snapshot a database (WAL mode): full the first time or with --full, else "
      "incremental (its compacted WAL)");
  cmd->add_option("--db", create->db, "database to snapshot")->required();
  cmd->add_option("--store", create->store, "snapshot store directory")->required();
  cmd->add_flag("--full", create->full, "take a full snapshot");
  cmd->add_option("--term", create->term, "raft term of the snapshot");
  cmd->add_option("--index", create->index, "raft index of the snapshot");
  cmd->callback([&cli, create] { cli.action = [create] { return RunCreate(*create); }; });

  auto list = std::make_shared<ListArgs>();
  cmd = group->add_subcommand("list", "List complete snapshots, newest first");
  cmd->add_option("--store", list->store, "snapshot store directory")->required();
  cmd->callback([&cli, list] { cli.action = [list] { return RunList(*list); }; });

  auto restore = std::make_shared<RestoreArgs>();
  cmd = group->add_subcommand("restore", "Write the database as of a snapshot, durably");
  cmd->add_option("--store", restore->store, "snapshot store directory")->required();
  cmd->add_option("--id", restore->id, "snapshot id (default: the newest)");
  cmd->add_option("--out", restore->out, "database file to write")->required();
  cmd->callback([&cli, restore] { cli.action = [restore] { return RunRestore(*restore); }; });
}

const CommandRegistrar kRegistrar(410, RegisterSqliteSnapshotCommands);

}  // namespace
}  // namespace silt::cli
