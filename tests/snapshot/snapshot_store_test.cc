// SnapshotStore, independent of content: the cases rqlite's store tests cover
// (full then incrementals, incremental into an empty store, a second Create
// while a Sink is open, readers during the next Create, Reap and open
// readers) plus failed persists, recovery and bad metadata or data files.
#include "silt/snapshot_store.h"

#include <gtest/gtest.h>

#include <chrono>

#include "common/fault_injection_env.h"
#include "common/hash.h"
#include "common/path.h"
#include "test_util.h"

namespace silt {
namespace {

class SnapshotStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_OK(env_.CreateDirs("/s")); }

  std::unique_ptr<SnapshotStore> OpenStore() {
    auto r = SnapshotStore::Open(&env_, "/s");
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : nullptr;
  }

  // Persists a snapshot with file "data" = content; returns its id.
  std::string Take(SnapshotStore* store, uint64_t term, uint64_t index, SnapshotKind kind,
                   const std::string& content) {
    auto sink = store->Create(term, index, kind);
    EXPECT_TRUE(sink.ok()) << sink.status().ToString();
    if (!sink.ok()) return "";
    EXPECT_OK((*sink)->Append("data", content));
    (*sink)->SetAttribute("what", content.substr(0, 8));
    const std::string id = (*sink)->id();
    EXPECT_OK((*sink)->Close());
    return id;
  }

  std::vector<std::string> Ids(SnapshotStore* store) {
    std::vector<std::string> out;
    auto all = store->List();
    EXPECT_TRUE(all.ok()) << all.status().ToString();
    if (all.ok()) {
      for (const auto& s : *all) out.push_back(s.id);
    }
    return out;
  }

  FaultInjectionEnv env_;
};

TEST_F(SnapshotStoreTest, FullThenIncrementalsThenEmptyOnes) {
  auto store = OpenStore();
  const std::string a = Take(store.get(), 1, 10, SnapshotKind::kFull, "full contents");
  std::vector<std::string> ids = {a};
  for (int i = 0; i < 3; ++i) {
    ids.push_back(
        Take(store.get(), 1, 11 + i, SnapshotKind::kIncremental, "inc" + std::to_string(i)));
  }
  // Empty ones: no data file at all, same index (nothing new was applied).
  for (int i = 0; i < 2; ++i) {
    ASSERT_OK_AND_ASSIGN(auto sink, store->Create(1, 13, SnapshotKind::kIncremental));
    ids.push_back(sink->id());
    ASSERT_OK(sink->Close());
  }
  EXPECT_EQ(Ids(store.get()), ids);
  ASSERT_OK_AND_ASSIGN(auto newest, store->Newest());
  ASSERT_TRUE(newest.has_value());
  EXPECT_EQ(newest->id, ids.back());
  EXPECT_EQ(newest->kind, SnapshotKind::kIncremental);
  EXPECT_EQ(newest->base, ids[ids.size() - 2]);
  EXPECT_TRUE(newest->files.empty());

  ASSERT_OK_AND_ASSIGN(auto r, store->Open(ids[2]));
  ASSERT_OK_AND_ASSIGN(std::string data, r->ReadAll("data"));
  EXPECT_EQ(data, "inc1");
  EXPECT_EQ(r->info().attributes.at("what"), "inc1");
  r.reset();

  ASSERT_OK_AND_ASSIGN(int reaped, store->Reap());
  EXPECT_EQ(reaped, static_cast<int>(ids.size()) - 1);
  EXPECT_EQ(Ids(store.get()), std::vector<std::string>{ids.back()});
  // Reopening finds the same.
  store.reset();
  store = OpenStore();
  EXPECT_EQ(Ids(store.get()), std::vector<std::string>{ids.back()});
  EXPECT_FALSE(store->full_needed());
}

TEST_F(SnapshotStoreTest, IncrementalIntoEmptyStoreIsRefused) {
  auto store = OpenStore();
  auto sink = store->Create(1, 1, SnapshotKind::kIncremental);
  ASSERT_FALSE(sink.ok());
  EXPECT_TRUE(sink.status().IsInvalidArgument());
  EXPECT_NE(sink.status().message().find("empty store"), std::string::npos);
  EXPECT_TRUE(Ids(store.get()).empty());
  ASSERT_OK_AND_ASSIGN(auto names, env_.ListDir("/s"));
  EXPECT_TRUE(names.empty());  // no .tmp left (the fault Env's locks are not files)
}

TEST_F(SnapshotStoreTest, OlderSnapshotIsRefused) {
  auto store = OpenStore();
  Take(store.get(), 2, 10, SnapshotKind::kFull, "x");
  auto sink = store->Create(2, 9, SnapshotKind::kFull);
  EXPECT_TRUE(sink.status().IsInvalidArgument()) << sink.status().ToString();
  sink = store->Create(1, 100, SnapshotKind::kFull);
  EXPECT_TRUE(sink.status().IsInvalidArgument());
  // The same position is allowed (an empty snapshot) and ordered after.
  const std::string b = Take(store.get(), 2, 10, SnapshotKind::kFull, "y");
  ASSERT_OK_AND_ASSIGN(auto newest, store->Newest());
  EXPECT_EQ(newest->id, b);
}

TEST_F(SnapshotStoreTest, CreateWhileSinkOpenFailsFast) {
  auto store = OpenStore();
  ASSERT_OK_AND_ASSIGN(auto sink, store->Create(1, 1, SnapshotKind::kFull));
  const auto start = std::chrono::steady_clock::now();
  auto second = store->Create(1, 2, SnapshotKind::kFull);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  ASSERT_FALSE(second.ok());
  EXPECT_TRUE(second.status().IsBusy()) << second.status().ToString();
  // Recover refuses too: it would delete the open Sink's directory.
  EXPECT_TRUE(store->Recover().IsBusy());
  ASSERT_OK(sink->Append("data", "one"));
  ASSERT_OK(sink->Close());
  // Once closed (or cancelled) the next Create works.
  ASSERT_OK_AND_ASSIGN(auto third, store->Create(1, 2, SnapshotKind::kFull));
  ASSERT_OK(third->Cancel());
  ASSERT_OK_AND_ASSIGN(auto fourth, store->Create(1, 2, SnapshotKind::kFull));
  fourth.reset();  // destroying an open Sink cancels it
  EXPECT_OK(store->Create(1, 2, SnapshotKind::kFull).status());
}

TEST_F(SnapshotStoreTest, SecondStoreOnSameRootIsBusy) {
  auto store = OpenStore();
  auto again = SnapshotStore::Open(&env_, "/s");
  ASSERT_FALSE(again.ok());
  EXPECT_TRUE(again.status().IsBusy()) << again.status().ToString();
}

TEST_F(SnapshotStoreTest, ReaderRunsDuringNextCreateAndReapKeepsIt) {
  auto store = OpenStore();
  const std::string a = Take(store.get(), 1, 1, SnapshotKind::kFull, std::string(300000, 'a'));
  ASSERT_OK_AND_ASSIGN(auto reader, store->Open(a));
  std::vector<char> buf(1000);
  ASSERT_OK_AND_ASSIGN(size_t n, reader->Read("data", std::span<char>(buf.data(), buf.size())));
  EXPECT_EQ(n, 1000u);

  // The next snapshot is created, persisted and reaped while the reader is open.
  const std::string b = Take(store.get(), 1, 2, SnapshotKind::kFull, "b");
  ASSERT_OK_AND_ASSIGN(int reaped, store->Reap());
  EXPECT_EQ(reaped, 0);
  EXPECT_TRUE(store->IsOpenForReading(a));
  EXPECT_EQ(Ids(store.get()), (std::vector<std::string>{a, b}));
  uint64_t total = n;
  for (;;) {
    ASSERT_OK_AND_ASSIGN(n, reader->Read("data", std::span<char>(buf.data(), buf.size())));
    if (n == 0) break;
    total += n;
  }
  EXPECT_EQ(total, 300000u);
  reader.reset();
  ASSERT_OK_AND_ASSIGN(reaped, store->Reap());
  EXPECT_EQ(reaped, 1);
  EXPECT_EQ(Ids(store.get()), std::vector<std::string>{b});
}

TEST_F(SnapshotStoreTest, ReapKeepsTheNewestAndTheKeepSet) {
  auto store = OpenStore();
  const std::string a = Take(store.get(), 1, 1, SnapshotKind::kFull, "a");
  const std::string b = Take(store.get(), 1, 2, SnapshotKind::kFull, "b");
  const std::string c = Take(store.get(), 1, 3, SnapshotKind::kFull, "c");
  ASSERT_OK_AND_ASSIGN(int reaped, store->Reap({a}));
  EXPECT_EQ(reaped, 1);
  EXPECT_EQ(Ids(store.get()), (std::vector<std::string>{a, c}));
}

TEST_F(SnapshotStoreTest, CancelAndFailedPersistForceAFullSnapshot) {
  auto store = OpenStore();
  Take(store.get(), 1, 1, SnapshotKind::kFull, "a");
  EXPECT_FALSE(store->full_needed());
  {
    ASSERT_OK_AND_ASSIGN(auto sink, store->Create(1, 2, SnapshotKind::kIncremental));
    ASSERT_OK(sink->Append("data", "b"));
    ASSERT_OK(sink->Cancel());
  }
  EXPECT_TRUE(store->full_needed());
  EXPECT_TRUE(env_.FileExists("/s/FULL_NEEDED"));
  auto inc = store->Create(1, 2, SnapshotKind::kIncremental);
  EXPECT_TRUE(inc.status().IsInvalidArgument());
  EXPECT_NE(inc.status().message().find("full snapshot is needed"), std::string::npos);
  Take(store.get(), 1, 2, SnapshotKind::kFull, "b");
  EXPECT_FALSE(store->full_needed());
  EXPECT_FALSE(env_.FileExists("/s/FULL_NEEDED"));

  // A persist that fails (the rename) leaves nothing listed and sets the flag:
  // rqlite once let the next snapshot be incremental here and lost data.
  ASSERT_OK_AND_ASSIGN(auto sink, store->Create(1, 3, SnapshotKind::kIncremental));
  ASSERT_OK(sink->Append("data", "c"));
  env_.FailNth(FaultOp::kRename, 1);
  Status st = sink->Close();
  EXPECT_TRUE(st.IsIOError()) << st.ToString();
  EXPECT_TRUE(store->full_needed());
  EXPECT_EQ(Ids(store.get()).size(), 2u);
  ASSERT_OK_AND_ASSIGN(auto names, env_.ListDir("/s"));
  for (const auto& name : names) EXPECT_FALSE(name.ends_with(".tmp")) << name;
  // The flag survives a restart.
  store.reset();
  store = OpenStore();
  EXPECT_TRUE(store->full_needed());
}

TEST_F(SnapshotStoreTest, RecoverRemovesInterruptedSinksAndSetsFullNeeded) {
  auto store = OpenStore();
  const std::string a = Take(store.get(), 1, 1, SnapshotKind::kFull, "a");
  const std::string b = Take(store.get(), 1, 2, SnapshotKind::kFull, "b");
  // A kill between persist and reap leaves both; the newest must be listed
  // last (rqlite once returned the oldest here).
  ASSERT_OK_AND_ASSIGN(auto sink, store->Create(1, 3, SnapshotKind::kIncremental));
  ASSERT_OK(sink->Append("data", "partial"));
  const std::string tmp = sink->dir();
  sink->Abandon();
  store.reset();
  ASSERT_OK(env_.CreateDir("/s/" + a + ".del"));  // an interrupted reap
  store = OpenStore();
  EXPECT_FALSE(env_.FileExists(tmp));
  EXPECT_FALSE(env_.FileExists("/s/" + a + ".del"));
  EXPECT_TRUE(store->full_needed());
  ASSERT_OK_AND_ASSIGN(auto newest, store->Newest());
  EXPECT_EQ(newest->id, b);
  EXPECT_EQ(Ids(store.get()), (std::vector<std::string>{a, b}));
  // Twice is harmless.
  ASSERT_OK(store->Recover());
  ASSERT_OK(store->Recover());
  EXPECT_EQ(Ids(store.get()), (std::vector<std::string>{a, b}));
  // A new snapshot is ordered after the old ones even if the clock went back.
  const std::string c = Take(store.get(), 1, 3, SnapshotKind::kFull, "c");
  EXPECT_EQ(Ids(store.get()).back(), c);
}

TEST_F(SnapshotStoreTest, CorruptMetadataIsNamed) {
  auto store = OpenStore();
  const std::string a = Take(store.get(), 1, 1, SnapshotKind::kFull, "a");
  const std::string meta = "/s/" + a + "/meta.json";
  ASSERT_OK_AND_ASSIGN(std::string text, env_.ReadFile(meta));
  const size_t pos = text.find("\"index\": 1");
  ASSERT_NE(pos, std::string::npos) << text;
  text[pos + 9] = '7';
  {
    ASSERT_OK_AND_ASSIGN(auto f, env_.NewFile(meta, OpenMode::kTruncate));
    ASSERT_OK(f->Append(text));
  }
  auto list = store->List();
  ASSERT_FALSE(list.ok());
  EXPECT_TRUE(list.status().IsCorruption());
  EXPECT_NE(list.status().message().find(meta), std::string::npos) << list.status().ToString();
  EXPECT_NE(list.status().message().find("checksum mismatch"), std::string::npos);
  EXPECT_TRUE(store->Open(a).status().IsCorruption());
  ASSERT_OK(env_.RemoveFile(meta));
  list = store->List();
  EXPECT_TRUE(list.status().IsNotFound());
  EXPECT_NE(list.status().message().find(meta), std::string::npos) << list.status().ToString();
}

TEST_F(SnapshotStoreTest, MissingOrChangedDataFileIsNamed) {
  auto store = OpenStore();
  const std::string a = Take(store.get(), 1, 1, SnapshotKind::kFull, "hello world");
  const std::string data = "/s/" + a + "/data";
  {
    ASSERT_OK_AND_ASSIGN(auto f, env_.NewFile(data, OpenMode::kReadWrite));
    ASSERT_OK(f->WriteAt(0, "J"));
  }
  ASSERT_OK_AND_ASSIGN(auto reader, store->Open(a));
  Status st = reader->Verify();
  EXPECT_TRUE(st.IsCorruption());
  EXPECT_NE(st.message().find(data), std::string::npos) << st.ToString();
  EXPECT_NE(st.message().find("checksum mismatch"), std::string::npos);
  {
    ASSERT_OK_AND_ASSIGN(auto f, env_.NewFile(data, OpenMode::kReadWrite));
    ASSERT_OK(f->Truncate(3));
  }
  st = reader->Verify();
  EXPECT_TRUE(st.IsCorruption());
  EXPECT_NE(st.message().find("has 3 bytes, metadata says 11"), std::string::npos) << st.ToString();
  ASSERT_OK(env_.RemoveFile(data));
  auto r = reader->ReadAll("data");
  EXPECT_TRUE(r.status().IsNotFound());
  EXPECT_NE(r.status().message().find(data + ": snapshot data file missing"), std::string::npos)
      << r.status().ToString();
}

// Reap takes the snapshot out of the list at once; by default its files go
// in the background, and WaitForDeletes waits for them. With
// delete_in_background = false they are gone when Reap returns.
TEST_F(SnapshotStoreTest, ReapDeletesInTheBackgroundOrBeforeReturning) {
  for (bool background : {true, false}) {
    SCOPED_TRACE(background ? "background" : "foreground");
    ASSERT_OK(env_.RemoveAll("/s"));
    ASSERT_OK(env_.CreateDirs("/s"));
    SnapshotStoreOptions options;
    options.delete_in_background = background;
    ASSERT_OK_AND_ASSIGN(auto store, SnapshotStore::Open(&env_, "/s", options));
    const std::string a = Take(store.get(), 1, 1, SnapshotKind::kFull, std::string(100000, 'a'));
    const std::string b = Take(store.get(), 1, 2, SnapshotKind::kFull, "b");
    ASSERT_OK_AND_ASSIGN(int reaped, store->Reap());
    EXPECT_EQ(reaped, 1);
    EXPECT_EQ(Ids(store.get()), std::vector<std::string>{b});
    EXPECT_FALSE(env_.FileExists("/s/" + a));
    if (!background) {
      EXPECT_FALSE(env_.FileExists("/s/" + a + ".del"));
    }
    ASSERT_OK(store->WaitForDeletes());
    ASSERT_OK_AND_ASSIGN(auto names, env_.ListDir("/s"));
    EXPECT_EQ(names, (std::vector<std::string>{b}));
    // Destroying the store finishes queued removals.
    const std::string c = Take(store.get(), 1, 3, SnapshotKind::kFull, "c");
    ASSERT_OK(store->Reap().status());
    store.reset();
    ASSERT_OK_AND_ASSIGN(names, env_.ListDir("/s"));
    EXPECT_EQ(names, (std::vector<std::string>{c}));
  }
}

// A background removal that fails leaves the .del directory, which is never
// listed; WaitForDeletes reports the error once, and Recover removes it.
TEST_F(SnapshotStoreTest, FailedBackgroundDeleteIsReportedAndRecovered) {
  auto store = OpenStore();
  const std::string a = Take(store.get(), 1, 1, SnapshotKind::kFull, "a");
  const std::string b = Take(store.get(), 1, 2, SnapshotKind::kFull, "b");
  env_.FailNth(FaultOp::kRemove, 1, /*sticky=*/true);
  ASSERT_OK_AND_ASSIGN(int reaped, store->Reap());
  EXPECT_EQ(reaped, 1);
  Status st = store->WaitForDeletes();
  EXPECT_TRUE(st.IsIOError()) << st.ToString();
  ASSERT_OK(store->WaitForDeletes());
  env_.ClearFailures();
  EXPECT_TRUE(env_.FileExists("/s/" + a + ".del"));
  EXPECT_EQ(Ids(store.get()), std::vector<std::string>{b});
  ASSERT_OK(store->Recover());
  EXPECT_FALSE(env_.FileExists("/s/" + a + ".del"));
  EXPECT_EQ(Ids(store.get()), std::vector<std::string>{b});
}

// The Sink hashes a data file while it is written in order; a file written
// out of order, or truncated, is read back at Close instead. Either way
// meta.json holds the file's real size and XXH3.
TEST_F(SnapshotStoreTest, DataFileChecksumsWhateverTheWriteOrder) {
  auto store = OpenStore();
  ASSERT_OK_AND_ASSIGN(auto sink, store->Create(1, 1, SnapshotKind::kFull));
  ASSERT_OK_AND_ASSIGN(File * in_order, sink->CreateFile("in_order"));
  ASSERT_OK(in_order->Append("abc"));
  ASSERT_OK(in_order->WriteAt(3, "def"));
  ASSERT_OK(in_order->Append("ghi"));
  ASSERT_OK_AND_ASSIGN(File * backwards, sink->CreateFile("backwards"));
  ASSERT_OK(backwards->WriteAt(3, "def"));
  ASSERT_OK(backwards->WriteAt(0, "abc"));
  ASSERT_OK_AND_ASSIGN(File * rewritten, sink->CreateFile("rewritten"));
  ASSERT_OK(rewritten->Append("abcdefXYZ"));
  ASSERT_OK(rewritten->WriteAt(6, "ghi"));
  ASSERT_OK_AND_ASSIGN(File * truncated, sink->CreateFile("truncated"));
  ASSERT_OK(truncated->Append("abcdefghi-tail"));
  ASSERT_OK(truncated->Truncate(9));
  const std::string id = sink->id();
  ASSERT_OK(sink->Close());
  ASSERT_OK_AND_ASSIGN(auto reader, store->Open(id));
  ASSERT_OK(reader->Verify());
  const std::pair<const char*, const char*> want[] = {{"in_order", "abcdefghi"},
                                                      {"backwards", "abcdef"},
                                                      {"rewritten", "abcdefghi"},
                                                      {"truncated", "abcdefghi"}};
  for (const auto& [name, content] : want) {
    SCOPED_TRACE(name);
    const SnapshotFileInfo* f = reader->info().FindFile(name);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->size, std::string_view(content).size());
    EXPECT_EQ(f->xxh3, Hash64(content));
    ASSERT_OK_AND_ASSIGN(std::string got, reader->ReadAll(name));
    EXPECT_EQ(got, content);
  }
}

TEST_F(SnapshotStoreTest, WorksOnThePosixEnv) {
  test::TempDir dir;
  const std::string root = dir.path() + "/store";
  ASSERT_OK_AND_ASSIGN(auto store, SnapshotStore::Open(Env::Default(), root));
  ASSERT_OK_AND_ASSIGN(auto sink, store->Create(5, 6, SnapshotKind::kFull));
  ASSERT_OK_AND_ASSIGN(File * f, sink->CreateFile("blob"));
  ASSERT_OK(f->WriteAt(0, "abc"));
  ASSERT_OK(f->WriteAt(3, "def"));
  const std::string id = sink->id();
  ASSERT_OK(sink->Close());
  ASSERT_OK_AND_ASSIGN(auto reader, store->Open(id));
  ASSERT_OK_AND_ASSIGN(std::string blob, reader->ReadAll("blob"));
  EXPECT_EQ(blob, "abcdef");
  ASSERT_OK(reader->Verify());
  EXPECT_TRUE(Env::Default()->FileExists(root + "/" + id + "/meta.json"));
}

}  // namespace
}  // namespace silt
