// `silt sqlite ...`: tools for SQLite files.
//   silt sqlite wal-compact IN_WAL OUT_WAL [--db DB] [--strict]
//   silt sqlite wal-info WAL [--db DB]
// Other files may add subcommands to the group with app.get_subcommand("sqlite").
#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "cli.h"
#include "snapshot/sqlite_wal_compactor.h"
#include "snapshot/sqlite_wal_reader.h"

namespace silt::cli {

namespace {

struct WalCompactArgs {
  std::string in;
  std::string out;
  std::string db;
  bool strict = false;
};

struct WalInfoArgs {
  std::string wal;
  std::string db;
};

Status RunWalCompact(const WalCompactArgs& args) {
  if (args.in == args.out) {
    return Status::InvalidArgument("wal-compact: IN_WAL and OUT_WAL must differ");
  }
  Env* env = Env::Default();
  if (!args.db.empty()) {
    SILT_RETURN_IF_ERROR(CheckSqliteWalMatchesDatabase(env, args.in, args.db));
  }
  SqliteWalCompactOptions options;
  options.fail_on_invalid_tail = args.strict;
  SILT_ASSIGN_OR_RETURN(auto stats, CompactSqliteWalToPath(env, args.in, args.out, options));
  std::printf("frames_in %llu frames_out %llu pages %llu\n",
              static_cast<unsigned long long>(stats.frames_in),
              static_cast<unsigned long long>(stats.frames_out),
              static_cast<unsigned long long>(stats.pages));
  return Status::OK();
}

Status RunWalInfo(const WalInfoArgs& args) {
  Env* env = Env::Default();
  SILT_ASSIGN_OR_RETURN(auto reader, SqliteWalReader::Open(env, args.wal));
  const SqliteWalHeader& h = reader->header();
  const SqliteWalSummary& s = reader->summary();
  std::string out;
  out += fmt::format("file {}\n", args.wal);
  out += fmt::format("size {}\n", s.file_size);
  out += fmt::format("magic {:#010x} (checksum words {}-endian)\n", h.magic,
                     h.big_endian_checksum() ? "big" : "little");
  out += fmt::format("version {}\n", h.version);
  out += fmt::format("page_size {}\n", h.page_size);
  out += fmt::format("checkpoint_seq {}\n", h.checkpoint_seq);
  out += fmt::format("salts {:#010x} {:#010x}\n", h.salt1, h.salt2);
  out += fmt::format("header_checksum {:#010x} {:#010x}\n", h.checksum1, h.checksum2);
  out += fmt::format("frames {}\n", s.valid_frames);
  out += fmt::format("committed_frames {}\n", s.committed_frames);
  out += fmt::format("commit_frames {}\n", s.commit_frames);
  out += fmt::format("db_size_pages {}\n", s.db_size);
  out += fmt::format("uncommitted_frames {}\n", s.uncommitted_frames());
  out += fmt::format("invalid_tail_bytes {}\n", s.invalid_tail_bytes);
  out += fmt::format("invalid_tail_frames {}\n", s.invalid_tail_frames);
  out += fmt::format("tail {}\n", s.tail_status.ok() ? "clean" : s.tail_status.message());
  std::fputs(out.c_str(), stdout);
  if (!args.db.empty()) {
    SILT_RETURN_IF_ERROR(CheckSqliteWalMatchesDatabase(env, args.wal, args.db));
    std::printf("database %s: page size matches\n", args.db.c_str());
  }
  return Status::OK();
}

void RegisterSqliteCommands(Cli& cli) {
  CLI::App* group = cli.app.add_subcommand("sqlite", "Inspect and compact SQLite files");
  group->require_subcommand(1);

  auto compact = std::make_shared<WalCompactArgs>();
  CLI::App* cmd = group->add_subcommand(
      "wal-compact",
      "Rewrite a WAL keeping only the newest committed frame of each page (written durably)");
  cmd->add_option("IN_WAL", compact->in, "WAL to read")->required();
  cmd->add_option("OUT_WAL", compact->out, "compacted WAL to write")->required();
  cmd->add_option("--db", compact->db, "database the WAL belongs to (page size is checked)");
  cmd->add_flag("--strict", compact->strict,
                "fail if the WAL has a torn or invalid tail (SQLite ignores it)");
  cmd->callback([&cli, compact] { cli.action = [compact] { return RunWalCompact(*compact); }; });

  auto info = std::make_shared<WalInfoArgs>();
  cmd = group->add_subcommand("wal-info", "Print a WAL's header and what its frames hold");
  cmd->add_option("WAL", info->wal, "WAL to read")->required();
  cmd->add_option("--db", info->db, "database the WAL belongs to (page size is checked)");
  cmd->callback([&cli, info] { cli.action = [info] { return RunWalInfo(*info); }; });
}

const CommandRegistrar kRegistrar(400, RegisterSqliteCommands);

}  // namespace
}  // namespace silt::cli
