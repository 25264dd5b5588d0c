// Randomized model test: random DDL and version operations (valid and
// invalid, several per commit) against RootCatalog + VersionManager and a
// plain in-memory model. After every step the catalog, the versions, the
// next ids and the safe ids equal the model's. The encoded records of the
// successful commits, decoded and applied to a fresh catalog and manager (what
// replay of the metadata log will do), give exactly the same state.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <map>
#include <random>

#include "meta/version_edit.h"
#include "meta/version_manager.h"
#include "meta_test_model.h"
#include "silt/catalog.h"
#include "test_util.h"

namespace silt::meta {
namespace {

using test::Canon;
using test::Generator;
using test::Model;
using test::ModelTable;

// The catalog and the version manager, committed together: both check the
// edit first without publishing it, then the manager commits and the catalog
// publishes. (The metadata log step puts the log append between the checks
// and the publishing.)
struct Meta {
  RootCatalog root;
  VersionManager vm;

  Status Commit(const VersionEdit& edit) {
    SILT_RETURN_IF_ERROR(root.Current()->Apply(edit).status());
    SILT_RETURN_IF_ERROR(vm.Check(edit));
    Status c = vm.Commit(edit).status();
    EXPECT_TRUE(c.ok()) << c.ToString();  // Check said it would
    SILT_RETURN_IF_ERROR(c);
    Status s = root.Apply(edit);
    EXPECT_TRUE(s.ok()) << s.ToString();  // checked above; nobody else writes
    return s;
  }
};

std::string Canon(Meta& meta) { return Canon(meta.root.Current().get(), meta.vm.Pin().get()); }

void Replay(const std::vector<std::string>& records, Meta* fresh) {
  uint64_t offset = 0;
  for (const std::string& rec : records) {
    VersionEdit e;
    ASSERT_OK(e.DecodeFrom(rec, "meta-log", offset));
    ASSERT_OK(fresh->Commit(e));
    offset += rec.size();
  }
}

// committed_ops: per operation kind (variant index), how many were committed.
void RunModel(uint64_t seed, int steps, std::map<size_t, int>* committed_ops) {
  SCOPED_TRACE("seed " + std::to_string(seed));
  Meta meta;
  Model model;
  Generator gen(seed);
  std::vector<std::string> records;
  int committed = 0;
  for (int step = 0; step < steps; ++step) {
    const VersionEdit edit = gen.Next(model);
    SCOPED_TRACE(fmt::format("step {}: {}", step, edit.DebugString()));
    const bool expect_ok = model.Commit(edit);
    Status s = meta.Commit(edit);
    ASSERT_EQ(s.ok(), expect_ok) << s.ToString();
    if (s.ok()) {
      committed++;
      for (const EditOp& op : edit.ops()) (*committed_ops)[op.index()]++;
      std::string rec;
      edit.EncodeTo(&rec);
      records.push_back(std::move(rec));
    } else if (edit.size() == 1) {
      // A single bad operation is refused with a message, never a crash.
      EXPECT_FALSE(s.message().empty());
    }
    ASSERT_EQ(Canon(meta), Canon(model));
    // Deletions are never reported while pinned; here nothing is pinned.
    meta.vm.TakeDeletableFiles();
    if (step % 97 == 96) {
      Meta fresh;
      Replay(records, &fresh);
      ASSERT_EQ(fresh.root.Current()->DebugString(), meta.root.Current()->DebugString());
      ASSERT_EQ(fresh.vm.Pin()->DebugString(), meta.vm.Pin()->DebugString());
    }
  }
  Meta fresh;
  Replay(records, &fresh);
  EXPECT_EQ(fresh.root.Current()->DebugString(), meta.root.Current()->DebugString());
  EXPECT_EQ(fresh.vm.Pin()->DebugString(), meta.vm.Pin()->DebugString());
  EXPECT_EQ(Canon(fresh), Canon(model));
  // The generator must exercise both paths.
  EXPECT_GT(committed, steps / 6);
  EXPECT_LT(committed, steps);
}

TEST(MetaModelTest, RandomOperationsMatchTheModelAndReplay) {
  std::map<size_t, int> committed_ops;
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    RunModel(seed, 600, &committed_ops);
    if (HasFatalFailure()) return;
  }
  for (size_t kind = 0; kind < std::variant_size_v<EditOp>; ++kind) {
    EXPECT_GT(committed_ops[kind], 50) << "operation kind " << kind << " rarely succeeded";
  }
}

}  // namespace
}  // namespace silt::meta
