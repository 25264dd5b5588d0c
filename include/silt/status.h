// Status and Result<T>: errors are values in silt.
//
// A Status is either OK or carries a code and a message. Messages say what
// went wrong and where: the file and byte offset for anything read from disk
// (see Status::Corruption(file, offset, ...)). Exceptions never cross a module
// boundary; every fallible public function returns Status or Result<T>.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace silt {

class [[nodiscard]] Status {
 public:
  enum class Code : uint8_t {
    kOk = 0,
    kNotFound,
    kCorruption,
    kInvalidArgument,
    kIOError,
    kNotSupported,
    kAlreadyExists,
    kBusy,       // a lock is held by someone else; retry later
    kAborted,    // the operation was cancelled or the store is shutting down
    kOutOfRange  // an index or offset outside the valid range
  };

  Status() = default;  // OK

  static Status OK() { return Status(); }
  static Status NotFound(std::string_view msg) { return Status(Code::kNotFound, msg); }
  static Status Corruption(std::string_view msg) { return Status(Code::kCorruption, msg); }
  // "FILE at offset OFF: WHAT" — the form every on-disk parser uses.
  static Status Corruption(std::string_view file, uint64_t offset, std::string_view what);
  static Status InvalidArgument(std::string_view msg) {
    return Status(Code::kInvalidArgument, msg);
  }
  static Status IOError(std::string_view msg) { return Status(Code::kIOError, msg); }
  // "CONTEXT: strerror(err)", e.g. IOError("open /x/y", ENOENT).
  static Status IOError(std::string_view context, int err);
  static Status NotSupported(std::string_view msg) { return Status(Code::kNotSupported, msg); }
  static Status AlreadyExists(std::string_view msg) { return Status(Code::kAlreadyExists, msg); }
  static Status Busy(std::string_view msg) { return Status(Code::kBusy, msg); }
  static Status Aborted(std::string_view msg) { return Status(Code::kAborted, msg); }
  static Status OutOfRange(std::string_view msg) { return Status(Code::kOutOfRange, msg); }

  bool ok() const { return state_ == nullptr; }
  Code code() const { return state_ ? state_->code : Code::kOk; }
  bool IsNotFound() const { return code() == Code::kNotFound; }
  bool IsCorruption() const { return code() == Code::kCorruption; }
  bool IsInvalidArgument() const { return code() == Code::kInvalidArgument; }
  bool IsIOError() const { return code() == Code::kIOError; }
  bool IsNotSupported() const { return code() == Code::kNotSupported; }
  bool IsAlreadyExists() const { return code() == Code::kAlreadyExists; }
  bool IsBusy() const { return code() == Code::kBusy; }
  bool IsAborted() const { return code() == Code::kAborted; }
  bool IsOutOfRange() const { return code() == Code::kOutOfRange; }

  // The message alone (empty for OK).
  const std::string& message() const;
  // "Corruption: message", or "OK".
  std::string ToString() const;
  // A copy whose message is "prefix: message" (same code); OK stays OK.
  Status WithContext(std::string_view prefix) const;

  static const char* CodeName(Code code);

 private:
  struct State {
    Code code;
    std::string message;
  };
  Status(Code code, std::string_view msg)
      : state_(std::make_shared<const State>(State{code, std::string(msg)})) {}

  // Shared and immutable: copying a Status is cheap and thread-safe.
  std::shared_ptr<const State> state_;
};

// Result<T>: a T or a non-OK Status (a small std::expected).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // The error; OK when a value is held.
  Status status() const { return ok() ? Status::OK() : std::get<1>(v_); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  T value_or(T other) const& { return ok() ? value() : std::move(other); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace silt

// Early-return helpers for functions returning Status or Result<T>.
#define SILT_CONCAT_INNER(a, b) a##b
#define SILT_CONCAT(a, b) SILT_CONCAT_INNER(a, b)

#define SILT_RETURN_IF_ERROR(expr)               \
  do {                                           \
    ::silt::Status silt_status_ = (expr);        \
    if (!silt_status_.ok()) return silt_status_; \
  } while (0)

// SILT_ASSIGN_OR_RETURN(auto x, F()); declares x from F()'s value or returns its error.
#define SILT_ASSIGN_OR_RETURN(lhs, expr) \
  SILT_ASSIGN_OR_RETURN_IMPL(SILT_CONCAT(silt_result_, __LINE__), lhs, expr)
#define SILT_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()
