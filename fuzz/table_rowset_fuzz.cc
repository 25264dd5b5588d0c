// Fuzzes the parsers of a rowset's metadata files (src/table/rowset_format.h,
// src/table/delete_vector.h): the rowset header, a block index and a delete
// vector file. Any input must parse or fail with Corruption, never crash or
// allocate without limit; whatever parses must re-encode to bytes that
// parse to the same thing.
//
// Input: byte 0 picks the parser (bits 0-1: header, index, delete vector),
// the index's column type (bits 2-4) and whether the rest is a whole file
// (bit 5 clear) or only a body that the fuzzer wraps in a valid envelope
// (magic, version, checksum) so the parser, not the checksum, sees the bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "table/delete_vector.h"
#include "table/rowset_format.h"

namespace {

using silt::DataType;

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

DataType PickType(uint8_t b) {
  static const DataType kTypes[] = {
      DataType::Bool(),          DataType::Int32(), DataType::Int64(),     DataType::Float64(),
      *DataType::Decimal(12, 2), DataType::Date(),  DataType::Timestamp(), DataType::String()};
  return kTypes[b & 7];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t mode = data[0];
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const int parser = mode & 3;
  const DataType type = PickType(static_cast<uint8_t>(mode >> 2));
  const uint32_t magic = parser == 0   ? silt::kRowSetHeaderMagic
                         : parser == 1 ? silt::kColumnIndexMagic
                                       : silt::kDeleteVectorMagic;
  const std::string file = (mode & 0x20) ? silt::SealEnvelope(magic, rest) : std::string(rest);
  if (parser == 0) {
    auto m = silt::RowSetMeta::Decode(file, "fuzz");
    if (!m.ok()) {
      Check(m.status().IsCorruption());
      return 0;
    }
    auto again = silt::RowSetMeta::Decode(m->Encode(), "fuzz");
    Check(again.ok() && *again == *m);
  } else if (parser == 1) {
    auto idx = silt::ColumnIndex::Decode(file, 3, type, "fuzz");
    if (!idx.ok()) {
      Check(idx.status().IsCorruption());
      return 0;
    }
    auto again = silt::ColumnIndex::Decode(idx->Encode(), 3, type, "fuzz");
    Check(again.ok() && again->blocks == idx->blocks);
  } else {
    auto dv = silt::DeleteVector::Decode(file, "fuzz");
    if (!dv.ok()) {
      Check(dv.status().IsCorruption());
      return 0;
    }
    Check(dv->rows.Cardinality() <= dv->row_count);
    auto image = dv->rows.Encode(dv->rowset_id, dv->row_count);
    Check(image.ok());
    auto again = silt::DeleteVector::Decode(*image, "fuzz");
    Check(again.ok() && again->rows == dv->rows);
  }
  return 0;
}
