// `silt schema create|drop|list` and
// `silt meta checkpoint|status|dump`: the catalog and the metadata log of a
// data directory (DATA/log holds the shared log whose group 0 is the
// metadata log, DATA/meta the checkpoint files).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <ranges>

#include "cli.h"
#include "common/file_names.h"
#include "common/path.h"
#include "meta/meta_store.h"
#include "silt/log_store.h"

namespace silt::cli {
namespace {

// The log and the metadata store of a data directory, opened together (and
// the directory locked against a second silt process).
struct OpenedMeta {
  std::unique_ptr<FileLock> lock;
  std::unique_ptr<LogStore> log;
  std::unique_ptr<meta::MetaStore> meta;

  ~OpenedMeta() {
    meta.reset();
    log.reset();
  }
};

Result<std::unique_ptr<OpenedMeta>> OpenMeta(const Cli& cli, bool create) {
  Env* env = Env::Default();
  if (!create && !env->FileExists(JoinPath(cli.data_dir, kMetaDirName))) {
    return Status::NotFound(fmt::format(
        "{}: no metadata here (create a schema first, or pass --data DIR)", cli.data_dir));
  }
  auto out = std::make_unique<OpenedMeta>();
  SILT_RETURN_IF_ERROR(env->CreateDirs(cli.data_dir));
  SILT_ASSIGN_OR_RETURN(out->lock, env->LockFile(JoinPath(cli.data_dir, kLockFileName)));
  LogOptions lo;
  // The metadata log is small; a node sharing the log with tables uses the
  // default segment size.
  lo.segment_size = 4ull << 20;
  SILT_ASSIGN_OR_RETURN(out->log, LogStore::Open(JoinPath(cli.data_dir, kLogDirName), lo));
  meta::MetaOptions mo;
  mo.heartbeat = std::chrono::milliseconds(0);  // a short-lived process
  SILT_ASSIGN_OR_RETURN(
      out->meta, meta::MetaStore::Open(JoinPath(cli.data_dir, kMetaDirName), out->log.get(), mo));
  return out;
}

// Checkpoints when checkpoint_delta commits have accumulated, as the
// heartbeat of a long-running node would.
Status Finish(OpenedMeta* m) { return m->meta->MaybeCheckpoint(); }

Status CheckName(std::string_view what, const std::string& name) {
  if (name.empty()) return Status::InvalidArgument(fmt::format("empty {} name", what));
  return Status::OK();
}

Status SchemaCreate(const Cli& cli, const std::string& name) {
  SILT_RETURN_IF_ERROR(CheckName("schema", name));
  SILT_ASSIGN_OR_RETURN(auto m, OpenMeta(cli, true));
  SILT_ASSIGN_OR_RETURN(SchemaId id, m->meta->CreateSchema(name));
  fmt::print("created schema {} (id {}) at epoch {}\n", name, id, m->meta->epoch());
  return Finish(m.get());
}

Status SchemaDrop(const Cli& cli, const std::string& name) {
  SILT_ASSIGN_OR_RETURN(auto m, OpenMeta(cli, false));
  SILT_ASSIGN_OR_RETURN(auto schema, m->meta->catalog().GetSchemaByName(name));
  const size_t tables = schema->table_count();
  SILT_RETURN_IF_ERROR(m->meta->DropSchema(name));
  fmt::print("dropped schema {} and its {} table(s) at epoch {}\n", name, tables, m->meta->epoch());
  return Finish(m.get());
}

Status SchemaList(const Cli& cli, const std::string& name) {
  SILT_ASSIGN_OR_RETURN(auto m, OpenMeta(cli, false));
  auto cat = m->meta->catalog().Current();
  if (!name.empty()) {
    SILT_ASSIGN_OR_RETURN(auto schema, cat->GetSchemaByName(name));
    fmt::print("schema {} (id {}), {} table(s)\n", schema->name(), schema->id(),
               schema->table_count());
    auto version = m->meta->versions().Pin();
    for (const auto& t : schema->AllTables()) {
      std::vector<ColumnDef> cols;
      for (const auto& c : t->columns()) cols.push_back(ColumnDef{c.name, c.type});
      size_t rowsets = 0;
      if (auto tv = version->GetTable(t->ref()); tv.ok()) rowsets = (*tv)->rowsets.size();
      fmt::print("  {} (id {}, shard {}, {} rowset(s)): {}\n", t->name(), t->id(), t->shard(),
                 rowsets, ColumnDefsToString(cols));
    }
    return Status::OK();
  }
  const auto schemas = cat->AllSchemas();
  if (schemas.empty()) fmt::print("no schemas\n");
  for (const auto& s : schemas) {
    fmt::print("{:<24} id {:<6} {} table(s)\n", s->name(), s->id(), s->table_count());
  }
  return Status::OK();
}

Status MetaCheckpoint(const Cli& cli) {
  SILT_ASSIGN_OR_RETURN(auto m, OpenMeta(cli, false));
  bool written = false;
  SILT_RETURN_IF_ERROR(m->meta->Checkpoint(&written));
  const meta::MetaStatus st = m->meta->GetStatus();
  if (!written) {
    fmt::print("nothing to checkpoint: no commit since epoch {}\n", st.last_checkpoint_epoch);
  } else {
    fmt::print("checkpoint written: {} (metadata log now starts at index {})\n",
               st.checkpoint_files.empty() ? "?" : st.checkpoint_files.back(), st.log_first_index);
  }
  return Status::OK();
}

Status MetaStatusCmd(const Cli& cli, bool json) {
  SILT_ASSIGN_OR_RETURN(auto m, OpenMeta(cli, false));
  const meta::MetaStatus st = m->meta->GetStatus();
  const LogStats log = m->log->GetStats();
  const uint64_t log_entries =
      st.log_last_index >= st.log_first_index ? st.log_last_index - st.log_first_index + 1 : 0;
  if (json) {
    fmt::print(
        "{{\"epoch\": {}, \"last_checkpoint_epoch\": {}, \"commits_since_checkpoint\": {}, "
        "\"checkpoint_files\": [{}], \"checkpoint_bytes\": {}, \"log_first_index\": {}, "
        "\"log_last_index\": {}, \"log_entries\": {}, \"log_bytes_on_disk\": {}}}\n",
        st.epoch, st.last_checkpoint_epoch, st.commits_since_checkpoint,
        fmt::join(st.checkpoint_files |
                      std::views::transform([](const std::string& f) { return "\"" + f + "\""; }),
                  ", "),
        st.checkpoint_bytes, st.log_first_index, st.log_last_index, log_entries, log.bytes_on_disk);
    return Status::OK();
  }
  fmt::print("epoch                     {}\n", st.epoch);
  fmt::print("last checkpoint epoch     {}\n", st.last_checkpoint_epoch);
  fmt::print("commits since checkpoint  {}\n", st.commits_since_checkpoint);
  fmt::print("checkpoint files          {} ({} bytes)\n", st.checkpoint_files.size(),
             st.checkpoint_bytes);
  for (const std::string& f : st.checkpoint_files) fmt::print("  {}\n", f);
  fmt::print("metadata log              indexes {}..{} ({} entries)\n", st.log_first_index,
             st.log_last_index, log_entries);
  fmt::print("log files on disk         {} bytes in {} segment(s)\n", log.bytes_on_disk,
             log.segments);
  return Status::OK();
}

Status MetaDump(const Cli& cli) {
  SILT_ASSIGN_OR_RETURN(auto m, OpenMeta(cli, false));
  fmt::print("{}", m->meta->DebugString());
  return Status::OK();
}

struct StressOptions {
  uint64_t commits = 10000;
  uint32_t tables = 100;
  uint64_t checkpoint_delta = 1000;
  uint64_t seed = 1;
};

// Commits random rowset and safe-id changes to `tables` tables of schema
// "stress" (created if missing), printing "committed EPOCH" once each commit
// is durable: for crash tests that kill -9 this process.
Status MetaStress(const Cli& cli, const StressOptions& o) {
  if (o.tables == 0) return Status::InvalidArgument("--tables must be at least 1");
  SILT_ASSIGN_OR_RETURN(auto m, OpenMeta(cli, true));
  if (!m->meta->catalog().GetSchemaByName("stress").ok()) {
    SILT_RETURN_IF_ERROR(m->meta->CreateSchema("stress").status());
  }
  std::vector<TableRefId> tables;
  for (uint32_t i = 0; i < o.tables; ++i) {
    const std::string name = fmt::format("t{}", i);
    auto ref = m->meta->catalog().GetTableIdByName("stress", name);
    if (!ref.ok()) {
      ref = m->meta->CreateTable("stress", name, 1 + i % 8, {{"id", DataType::Int64().NotNull()}});
    }
    SILT_RETURN_IF_ERROR(ref.status());
    tables.push_back(*ref);
  }
  uint64_t state = o.seed;
  auto next = [&state] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return state >> 33;
  };
  for (uint64_t i = 0; i < o.commits; ++i) {
    const TableRefId t = tables[next() % tables.size()];
    auto tv = m->meta->versions().Pin()->GetTable(t);
    SILT_RETURN_IF_ERROR(tv.status());
    meta::VersionEdit e;
    if ((*tv)->rowsets.size() > 4) e.DeleteRowSet(t, (*tv)->rowsets.begin()->first);
    const meta::RowSetId id = m->meta->versions().NewRowSetId();
    e.AddRowSet(t, meta::RowSetMeta{id, fmt::format("rs-{}", id), next() % 100000, next()});
    const ShardId shard = 1 + t.table_id % 8;
    e.SetSafeId(shard, m->meta->versions().Pin()->SafeId(shard) + 1 + next() % 10);
    SILT_ASSIGN_OR_RETURN(uint64_t epoch, m->meta->Commit(e));
    fmt::print("committed {}\n", epoch);
    std::fflush(stdout);
    if (o.checkpoint_delta > 0 &&
        m->meta->GetStatus().commits_since_checkpoint >= o.checkpoint_delta) {
      SILT_RETURN_IF_ERROR(m->meta->Checkpoint());
    }
  }
  return Status::OK();
}

void RegisterMetaCommands(Cli& cli) {
  CLI::App* schema = cli.app.add_subcommand("schema", "Create, drop and list schemas");
  schema->require_subcommand(1);
  {
    auto name = std::make_shared<std::string>();
    CLI::App* c = schema->add_subcommand("create", "Create a schema");
    c->add_option("name", *name, "Schema name")->required();
    c->callback([&cli, name] { cli.action = [&cli, name] { return SchemaCreate(cli, *name); }; });
  }
  {
    auto name = std::make_shared<std::string>();
    CLI::App* c = schema->add_subcommand("drop", "Drop a schema and all of its tables");
    c->add_option("name", *name, "Schema name")->required();
    c->callback([&cli, name] { cli.action = [&cli, name] { return SchemaDrop(cli, *name); }; });
  }
  {
    auto name = std::make_shared<std::string>();
    CLI::App* c = schema->add_subcommand("list", "List schemas, or the tables of one schema");
    c->add_option("name", *name, "Schema whose tables to list");
    c->callback([&cli, name] { cli.action = [&cli, name] { return SchemaList(cli, *name); }; });
  }

  CLI::App* meta = cli.app.add_subcommand("meta", "Metadata log and checkpoints");
  meta->require_subcommand(1);
  meta->add_subcommand("checkpoint", "Write a checkpoint now (if anything changed)")
      ->callback([&cli] { cli.action = [&cli] { return MetaCheckpoint(cli); }; });
  {
    auto json = std::make_shared<bool>(false);
    CLI::App* c = meta->add_subcommand(
        "status", "Epoch, last checkpoint, commits since, checkpoint files, log size");
    c->add_flag("--json", *json, "Print JSON");
    c->callback([&cli, json] { cli.action = [&cli, json] { return MetaStatusCmd(cli, *json); }; });
  }
  {
    auto o = std::make_shared<StressOptions>();
    CLI::App* c = meta->add_subcommand(
        "stress", "Commit random rowset changes, printing each durable epoch (for crash tests)");
    c->add_option("--commits", o->commits, "Commits to make")->capture_default_str();
    c->add_option("--tables", o->tables, "Tables in schema 'stress'")->capture_default_str();
    c->add_option("--checkpoint-delta", o->checkpoint_delta,
                  "Checkpoint every N commits (0: never)")
        ->capture_default_str();
    c->add_option("--seed", o->seed, "Random seed")->capture_default_str();
    c->callback([&cli, o] { cli.action = [&cli, o] { return MetaStress(cli, *o); }; });
  }
  meta->add_subcommand("dump", "Print every schema, table, rowset, DV and safe id")
      ->callback([&cli] { cli.action = [&cli] { return MetaDump(cli); }; });
}

const CommandRegistrar kRegistrar(200, RegisterMetaCommands);

}  // namespace
}  // namespace silt::cli
