// FaultInjectionEnv: an in-memory Env for tests that can fail chosen
// operations and simulate a power cut.
//
// Every file and directory lives in memory with two states: what the process
// sees (volatile) and what would survive a power cut (durable). The durable
// state follows POSIX strictly:
//   - a file's bytes (and size) become durable at File::Sync / DataSync;
//   - a name (create, rename, remove, link, mkdir) becomes durable at SyncDir
//     of the directory holding it. A durable name of a file whose data was
//     never synced survives with empty (or older synced) contents.
// PowerCut() throws the volatile state away and reverts to the durable one;
// open File handles become stale (every call on them fails), as they would in
// a process that died. Tests then reopen the store on the same Env.
//
// Crash points: CrashAfter(n) lets n more mutating operations through and then
// fails every operation (the process "lost power" there); the test closes the
// store and calls PowerCut(). Running a workload with n = 0, 1, 2, ... tries a
// power cut after every single file operation.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "silt/env.h"

namespace silt {

// Kinds of mutating operation, for failure injection and counting.
enum class FaultOp {
  kWrite,     // File::WriteAt, File::Append
  kSync,      // File::Sync, File::DataSync
  kSyncDir,   // Env::SyncDir
  kRename,    // Env::RenameFile
  kCreate,    // NewFile creating a file, CreateDir
  kRemove,    // RemoveFile, RemoveDir
  kLink,      // LinkFile
  kTruncate,  // File::Truncate, File::Allocate
};
constexpr int kNumFaultOps = 8;
const char* FaultOpName(FaultOp op);

struct PowerCutOptions {
  // false: every unsynced write is lost. true: a random, in-order prefix of the
  // unsynced writes of each file reaches the disk, the last one possibly torn
  // part-way (a disk that wrote some of its queue before losing power).
  bool keep_random_prefix = false;
  uint64_t seed = 0;
};

class FaultInjectionEnv final : public Env {
 public:
  FaultInjectionEnv();
  ~FaultInjectionEnv() override;

  // (a) The nth operation of kind `op` from now on (n >= 1) fails with an
  // IOError; with sticky = true every later one fails too.
  void FailNth(FaultOp op, uint64_t n, bool sticky = false);
  void ClearFailures();

  // Lets n more mutating operations succeed; every operation after that fails
  // with IOError("power is off") until PowerCut().
  void CrashAfter(uint64_t n);
  bool crashed() const;

  // (b) Reverts the file system to its durable state and clears the crash
  // point and injected failures. Open files become stale.
  void PowerCut(const PowerCutOptions& options = {});

  // Mutating operations performed since construction (successful or not).
  uint64_t mutating_ops() const;
  uint64_t op_count(FaultOp op) const;

  // Env.
  Result<std::unique_ptr<File>> NewFile(const std::string& path, OpenMode mode) override;
  bool FileExists(const std::string& path) override;
  Result<uint64_t> GetFileSize(const std::string& path) override;
  Result<bool> IsDirectory(const std::string& path) override;
  Result<std::vector<std::string>> ListDir(const std::string& dir) override;
  Status RenameFile(const std::string& from, const std::string& to) override;
  Status RemoveFile(const std::string& path) override;
  Status RemoveDir(const std::string& path) override;
  Status CreateDir(const std::string& path) override;
  Status LinkFile(const std::string& from, const std::string& to) override;
  Status SyncDir(const std::string& dir) override;
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override;

 private:
  class MemFile;
  class MemLock;
  struct Node;
  struct PendingWrite;

  // Resolves a path to its parent directory node and final name.
  Status ResolveParent(const std::string& path, std::shared_ptr<Node>* dir,
                       std::string* name) const;
  std::shared_ptr<Node> Lookup(const std::string& path) const;
  // Counts a mutating op and decides whether it fails; non-OK means "fail it".
  Status BeginOp(FaultOp op, const std::string& path);
  void UnlockPath(const std::string& path);

  mutable std::mutex mu_;  // guards everything below and every Node
  std::shared_ptr<Node> root_;
  uint64_t generation_ = 0;  // bumped by PowerCut; stale handles compare it
  uint64_t ops_ = 0;
  std::array<uint64_t, kNumFaultOps> op_counts_{};
  struct Failure {
    uint64_t countdown = 0;  // 0 = none armed
    bool sticky = false;
    bool firing = false;  // sticky and already fired
  };
  std::array<Failure, kNumFaultOps> failures_{};
  bool crash_armed_ = false;
  uint64_t crash_countdown_ = 0;
  bool crashed_ = false;
  std::set<std::string> locked_;
};

}  // namespace silt
