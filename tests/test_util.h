// Helpers shared by silt's tests: status assertions, temporary directories,
// and running the `silt` binary as a child process.
#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "silt/status.h"

#define ASSERT_OK(expr)                                               \
  do {                                                                \
    ::silt::Status silt_s_ = (expr);                                  \
    ASSERT_TRUE(silt_s_.ok()) << #expr << ": " << silt_s_.ToString(); \
  } while (0)
#define EXPECT_OK(expr)                                               \
  do {                                                                \
    ::silt::Status silt_s_ = (expr);                                  \
    EXPECT_TRUE(silt_s_.ok()) << #expr << ": " << silt_s_.ToString(); \
  } while (0)

// ASSERT_OK_AND_ASSIGN(auto x, F()): the value of a Result, or a test failure.
#define ASSERT_OK_AND_ASSIGN(lhs, expr) \
  ASSERT_OK_AND_ASSIGN_IMPL(SILT_CONCAT(silt_test_result_, __LINE__), lhs, expr)
#define ASSERT_OK_AND_ASSIGN_IMPL(tmp, lhs, expr)                    \
  auto tmp = (expr);                                                 \
  ASSERT_TRUE(tmp.ok()) << #expr << ": " << tmp.status().ToString(); \
  lhs = std::move(tmp).value()

namespace silt::test {

// A fresh directory on the real file system, removed with its contents when
// the object is destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct CommandResult {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  std::string out;
  std::string err;
};

// Runs argv[0] with the arguments (no shell) and collects its output.
CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& stdin_data = "");

// A child process whose stdout is read line by line, for crash tests that
// kill -9 it midway. stderr goes to the test's stderr.
class ChildProcess {
 public:
  explicit ChildProcess(const std::vector<std::string>& argv);
  ~ChildProcess();  // kills (SIGKILL) and reaps the child if still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The next line of stdout (without '\n'); false at end of output.
  bool ReadLine(std::string* line);
  void Kill(int signal);
  // Waits for the child; returns its exit code, or -signal if killed.
  int Wait();

 private:
  int pid_ = -1;
  int out_fd_ = -1;
  std::string buffer_;
  bool waited_ = false;
  int status_ = 0;
};

// Path of the silt binary under test (SILT_BINARY is set by silt_add_test).
inline std::string SiltBinary() {
#ifdef SILT_BINARY
  return SILT_BINARY;
#else
  return "silt";
#endif
}

}  // namespace silt::test
