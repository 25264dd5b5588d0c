// Fuzzes the metadata edit record decoder (docs/meta_format.md). Each input is
// tried as it is, and with a valid checksum appended, so that the parser's
// checks beyond the checksum are explored too. DecodeFrom must return a
// Status, never crash; a decoded edit must re-encode to the same bytes, and
// applying it to a fresh catalog and version manager must fail cleanly or
// succeed, never crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/coding.h"
#include "common/crc32c.h"
#include "meta/version_edit.h"
#include "meta/version_manager.h"
#include "silt/catalog.h"

namespace {

void TryRecord(const std::string& bytes) {
  silt::meta::VersionEdit edit;
  if (!edit.DecodeFrom(bytes, "fuzz", 0).ok()) {
    if (!edit.empty()) __builtin_trap();
    return;
  }
  std::string again;
  edit.EncodeTo(&again);
  silt::meta::VersionEdit edit2;
  if (!edit2.DecodeFrom(again, "fuzz", 0).ok() || !(edit2 == edit)) __builtin_trap();
  edit.DebugString();

  silt::RootCatalog root;
  silt::meta::VersionManager vm;
  auto next = root.Current()->Apply(edit);
  if (next.ok() && vm.Commit(edit).ok()) {
    if (!root.Apply(edit).ok()) __builtin_trap();
    root.Current()->DebugString();
    vm.Pin()->DebugString();
    vm.TakeDeletableFiles();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  TryRecord(bytes);
  // The same bytes as a record body with a valid version byte and checksum.
  std::string body = bytes;
  if (!body.empty()) body[0] = static_cast<char>(silt::meta::kEditFormatVersion);
  silt::PutFixed32(&body, silt::crc32c::Mask(silt::crc32c::Value(body.data(), body.size())));
  TryRecord(body);
  return 0;
}
