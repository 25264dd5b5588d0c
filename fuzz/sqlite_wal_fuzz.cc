// Fuzzes SqliteWalReader and the WAL compactor. The input is either a raw WAL
// file, or (first byte odd) a recipe for a WAL with valid checksums that is
// then damaged, so the fuzzer reaches the frame rules instead of dying at the
// header checksum. Any input must be read or rejected with Corruption, never
// crash; whatever is read must compact into a WAL that reads back as one
// committed transaction holding the newest committed image of each page, and
// compacting that again must change nothing.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "common/fault_injection_env.h"
#include "snapshot/sqlite_wal_compactor.h"
#include "snapshot/sqlite_wal_reader.h"
#include "snapshot/sqlite_wal_writer.h"

namespace {

using silt::SqliteWalFrame;
using silt::SqliteWalReader;

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

// Takes bytes from the front of the input; zeros once it runs out.
struct Input {
  const uint8_t* p;
  size_t n;
  uint8_t Byte() {
    if (n == 0) return 0;
    --n;
    return *p++;
  }
  uint32_t U32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | Byte();
    return v;
  }
};

// Builds a WAL with valid checksums from the recipe, then damages it.
std::string BuildWal(silt::Env* env, Input in) {
  silt::SqliteWalHeader header;
  header.page_size = 512u << (in.Byte() % 3);
  header.magic = in.Byte() & 1 ? silt::sqlite_wal::kMagicBigEndianChecksum
                               : silt::sqlite_wal::kMagicLittleEndianChecksum;
  header.salt1 = in.U32();
  header.salt2 = in.U32();
  {
    auto file = env->NewFile("/w/built", silt::OpenMode::kTruncate);
    Check(file.ok());
    silt::SqliteWalWriter writer(file->get(), header);
    Check(writer.WriteHeader().ok());
    const int frames = in.Byte() % 32;
    for (int i = 0; i < frames; ++i) {
      const uint32_t page = 1 + in.Byte() % 16;
      const uint8_t c = in.Byte();
      const uint32_t db_size = c % 3 == 0 ? 1 + c % 20 : 0;
      std::string image(header.page_size, static_cast<char>(in.Byte()));
      image[in.Byte() % 64] = static_cast<char>(in.Byte());
      Check(writer.AddFrame(page, db_size, image).ok());
    }
    Check(writer.Flush().ok());
  }
  auto data = env->ReadFile("/w/built");
  Check(data.ok());
  std::string wal = *data;
  // Damage: flip bytes, cut the end, append junk.
  const int flips = in.Byte() % 3;
  for (int i = 0; i < flips; ++i) {
    const uint32_t pos = in.U32() % wal.size();
    wal[pos] = static_cast<char>(wal[pos] ^ (1 + in.Byte()));
  }
  if (in.Byte() % 4 == 0) wal.resize(wal.size() - in.U32() % wal.size());
  while (in.n > 0) wal.push_back(static_cast<char>(in.Byte()));
  return wal;
}

// page -> image of the newest committed frame, as a checkpoint would use it.
std::map<uint32_t, std::string> NewestPages(SqliteWalReader* reader, bool* ok) {
  std::map<uint32_t, std::string> pages;
  reader->Rewind();
  SqliteWalFrame frame;
  uint64_t n = 0;
  while (true) {
    auto more = reader->Next(&frame);
    Check(more.ok());
    if (!*more) break;
    pages[frame.header.page_number] = std::string(frame.page);
    ++n;
  }
  *ok = n == reader->summary().committed_frames;
  return pages;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  silt::FaultInjectionEnv env;
  Check(env.CreateDirs("/w").ok());
  std::string wal;
  if (size > 0 && (data[0] & 1)) {
    wal = BuildWal(&env, Input{data + 1, size - 1});
  } else {
    wal.assign(reinterpret_cast<const char*>(data), size);
  }
  {
    auto file = env.NewFile("/w/wal", silt::OpenMode::kTruncate);
    Check(file.ok());
    Check((*file)->Append(wal).ok());
  }

  auto reader = SqliteWalReader::Open(&env, "/w/wal");
  if (!reader.ok()) {
    Check(reader.status().IsCorruption());
    return 0;
  }
  const silt::SqliteWalSummary& s = (*reader)->summary();
  Check(s.committed_frames <= s.valid_frames);
  Check(s.commit_frames <= s.committed_frames);
  Check(s.tail_status.ok() == (s.invalid_tail_bytes == 0));
  Check(silt::sqlite_wal::FrameOffset(s.valid_frames, (*reader)->header().page_size) +
            s.invalid_tail_bytes ==
        s.file_size);
  bool ok = false;
  std::map<uint32_t, std::string> want = NewestPages(reader->get(), &ok);
  Check(ok);

  auto stats = silt::CompactSqliteWalToPath(&env, "/w/wal", "/w/out");
  Check(stats.ok());
  Check(stats->frames_in == s.committed_frames);
  Check(stats->pages == want.size());
  auto out = SqliteWalReader::Open(&env, "/w/out");
  Check(out.ok());
  const silt::SqliteWalSummary& o = (*out)->summary();
  Check(o.valid_frames == stats->frames_out && o.committed_frames == stats->frames_out);
  Check(o.commit_frames == (stats->frames_out > 0 ? 1u : 0u));
  Check(o.tail_status.ok());
  Check(o.db_size == s.db_size);
  std::map<uint32_t, std::string> got = NewestPages(out->get(), &ok);
  Check(ok);
  Check(got.size() == stats->frames_out);  // each page once
  for (const auto& [page, image] : got) Check(want.count(page) == 1);
  for (const auto& [page, image] : want) {
    auto it = got.find(page);
    if (it == got.end()) {
      Check(page > s.db_size);  // only pages beyond the final size may go
    } else {
      Check(it->second == image);
    }
  }

  auto again = silt::CompactSqliteWalToPath(&env, "/w/out", "/w/again");
  Check(again.ok());
  Check(*env.ReadFile("/w/again") == *env.ReadFile("/w/out"));
  return 0;
}
