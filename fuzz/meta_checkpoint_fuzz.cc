// Fuzzes the metadata checkpoint decoder (docs/meta_format.md, "Checkpoints").
// Each input is tried as a whole checkpoint file, and as the body of one with
// a valid header and checksums around it, so that the parser's checks beyond
// the checksums are explored too. Decoding must return a Status, never crash;
// a decoded checkpoint must re-encode to bytes that decode to the same
// encoding; applying it to an empty state and building the catalog and
// Version from the result must fail cleanly or succeed.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/coding.h"
#include "common/crc32c.h"
#include "meta/checkpoint.h"
#include "meta/meta_state.h"

namespace {

using silt::meta::CheckpointData;

void TryFile(const std::string& bytes) {
  auto data = silt::meta::DecodeCheckpoint(bytes, "fuzz");
  if (!data.ok()) {
    if (!data.status().IsCorruption()) __builtin_trap();
    return;
  }
  const std::string again = silt::meta::EncodeCheckpoint(*data);
  auto data2 = silt::meta::DecodeCheckpoint(again, "fuzz");
  if (!data2.ok() || silt::meta::EncodeCheckpoint(*data2) != again) __builtin_trap();

  silt::meta::MetaState state;
  if (data->kind == silt::meta::CheckpointKind::kDelta) state.epoch = data->start_epoch - 1;
  if (!silt::meta::ApplyCheckpoint(std::move(*data), "fuzz", &state).ok()) return;
  auto built = silt::meta::BuildMeta(state);  // a copy: `state` is compared below
  if (built.ok()) {
    built->catalog->DebugString();
    built->version->DebugString();
    auto captured = silt::meta::CaptureMetaState(*built->catalog, *built->version);
    if (!captured.ok() || !(*captured == state)) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  TryFile(bytes);
  // The same bytes as the body of a global and of a delta checkpoint.
  for (uint8_t kind : {1, 2}) {
    std::string file(silt::meta::kCheckpointMagic, sizeof(silt::meta::kCheckpointMagic));
    file.push_back(static_cast<char>(silt::meta::kCheckpointFormatVersion));
    file.push_back(static_cast<char>(kind));
    silt::PutFixed16(&file, 0);
    silt::PutFixed64(&file, bytes.size());
    silt::PutFixed64(&file, kind == 1 ? 1 : 5);
    silt::PutFixed64(&file, 9);
    silt::PutFixed32(&file, silt::crc32c::Mask(silt::crc32c::Value(file.data(), file.size())));
    file += bytes;
    silt::PutFixed32(&file, silt::crc32c::Mask(silt::crc32c::Value(bytes.data(), bytes.size())));
    TryFile(file);
  }
  return 0;
}
