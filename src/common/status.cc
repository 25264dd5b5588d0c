#include "silt/status.h"

#include <cstring>

#include <fmt/format.h>

namespace silt {

Status Status::Corruption(std::string_view file, uint64_t offset, std::string_view what) {
  return Status(Code::kCorruption, fmt::format("{} at offset {}: {}", file, offset, what));
}

Status Status::IOError(std::string_view context, int err) {
  char buf[256];
  // GNU strerror_r returns the message pointer (which may not be buf).
  const char* text = strerror_r(err, buf, sizeof(buf));
  return Status(Code::kIOError, fmt::format("{}: {}", context, text));
}

const std::string& Status::message() const {
  static const std::string kEmpty;
  return state_ ? state_->message : kEmpty;
}

const char* Status::CodeName(Code code) {
  switch (code) {
    case Code::kOk:
      return "OK";
    case Code::kNotFound:
      return "Not found";
    case Code::kCorruption:
      return "Corruption";
    case Code::kInvalidArgument:
      return "Invalid argument";
    case Code::kIOError:
      return "I/O error";
    case Code::kNotSupported:
      return "Not supported";
    case Code::kAlreadyExists:
      return "Already exists";
    case Code::kBusy:
      return "Busy";
    case Code::kAborted:
      return "Aborted";
    case Code::kOutOfRange:
      return "Out of range";
  }
  return "Unknown";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return fmt::format("{}: {}", CodeName(code()), message());
}

Status Status::WithContext(std::string_view prefix) const {
  if (ok()) return *this;
  return Status(code(), fmt::format("{}: {}", prefix, message()));
}

}  // namespace silt
