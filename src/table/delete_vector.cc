#include "table/delete_vector.h"

#include <fmt/format.h>
#include <roaring/roaring.h>

#include "common/coding.h"
#include "common/durable_file.h"
#include "table/rowset_format.h"

namespace silt {

DeleteVector::DeleteVector() : r_(roaring_bitmap_create()) {}
DeleteVector::~DeleteVector() {
  if (r_ != nullptr) roaring_bitmap_free(r_);
}
DeleteVector::DeleteVector(DeleteVector&& other) noexcept : r_(other.r_) {
  other.r_ = roaring_bitmap_create();
}
DeleteVector& DeleteVector::operator=(DeleteVector&& other) noexcept {
  std::swap(r_, other.r_);
  return *this;
}
DeleteVector::DeleteVector(const DeleteVector& other) : r_(roaring_bitmap_copy(other.r_)) {}
DeleteVector& DeleteVector::operator=(const DeleteVector& other) {
  if (this != &other) {
    roaring_bitmap_free(r_);
    r_ = roaring_bitmap_copy(other.r_);
  }
  return *this;
}

void DeleteVector::Add(uint32_t row) { roaring_bitmap_add(r_, row); }
void DeleteVector::AddRange(uint64_t begin, uint64_t end) {
  if (end > (1ull << 32)) end = 1ull << 32;
  if (begin < end) roaring_bitmap_add_range(r_, begin, end);
}
void DeleteVector::UnionWith(const DeleteVector& other) { roaring_bitmap_or_inplace(r_, other.r_); }
bool DeleteVector::Contains(uint32_t row) const { return roaring_bitmap_contains(r_, row); }
uint64_t DeleteVector::Cardinality() const { return roaring_bitmap_get_cardinality(r_); }
uint64_t DeleteVector::CountInRange(uint64_t begin, uint64_t end) const {
  if (end > (1ull << 32)) end = 1ull << 32;
  if (begin >= end) return 0;
  return roaring_bitmap_range_cardinality(r_, begin, end);
}
uint32_t DeleteVector::Maximum() const { return roaring_bitmap_maximum(r_); }

std::vector<uint32_t> DeleteVector::ToVector() const {
  std::vector<uint32_t> out(Cardinality());
  if (!out.empty()) roaring_bitmap_to_uint32_array(r_, out.data());
  return out;
}

void DeleteVector::ClearDeleted(uint64_t begin, size_t n, uint8_t* keep) const {
  if (n == 0 || begin >= (1ull << 32)) return;
  roaring_uint32_iterator_t it;
  roaring_init_iterator(r_, &it);
  if (!roaring_move_uint32_iterator_equalorlarger(&it, static_cast<uint32_t>(begin))) return;
  while (it.has_value && it.current_value < begin + n) {
    keep[it.current_value - begin] = 0;
    if (!roaring_advance_uint32_iterator(&it)) break;
  }
}

bool operator==(const DeleteVector& a, const DeleteVector& b) {
  return roaring_bitmap_equals(a.r_, b.r_);
}

// body := rowset_id:fixed64 row_count:fixed64 cardinality:fixed64
//         bitmap_length:fixed32 bitmap
Result<std::string> DeleteVector::Encode(uint64_t rowset_id, uint64_t row_count) const {
  if (row_count > kMaxRowSetRows) return Status::InvalidArgument("row count above 2^32 - 1");
  if (!empty() && Maximum() >= row_count) {
    return Status::InvalidArgument(
        fmt::format("deleted row {} beyond a rowset of {} rows", Maximum(), row_count));
  }
  roaring_bitmap_t* copy = roaring_bitmap_copy(r_);
  roaring_bitmap_run_optimize(copy);
  std::string bitmap(roaring_bitmap_portable_size_in_bytes(copy), '\0');
  roaring_bitmap_portable_serialize(copy, bitmap.data());
  roaring_bitmap_free(copy);
  std::string body;
  PutFixed64(&body, rowset_id);
  PutFixed64(&body, row_count);
  PutFixed64(&body, Cardinality());
  PutFixed32(&body, static_cast<uint32_t>(bitmap.size()));
  body.append(bitmap);
  return SealEnvelope(kDeleteVectorMagic, body);
}

Result<DeleteVector::Decoded> DeleteVector::Decode(std::string_view data, std::string_view file) {
  std::string_view body;
  SILT_RETURN_IF_ERROR(OpenEnvelope(data, kDeleteVectorMagic, "delete vector", file, &body));
  ByteReader r(body, file, kEnvelopePrefixSize);
  Decoded d;
  uint64_t cardinality;
  uint32_t len;
  SILT_RETURN_IF_ERROR(r.ReadFixed64(&d.rowset_id));
  SILT_RETURN_IF_ERROR(r.ReadFixed64(&d.row_count));
  if (d.row_count > kMaxRowSetRows) return r.Error("row count above 2^32 - 1");
  SILT_RETURN_IF_ERROR(r.ReadFixed64(&cardinality));
  if (cardinality > d.row_count) return r.Error("more deleted rows than rows");
  SILT_RETURN_IF_ERROR(r.ReadFixed32(&len));
  const uint64_t bitmap_at = r.offset();
  std::string_view bitmap;
  SILT_RETURN_IF_ERROR(r.ReadBytes(len, &bitmap));
  if (!r.empty()) return r.Error(fmt::format("{} unexpected bytes", r.remaining()));
  // roaring reads its input in place; give it an aligned private copy.
  std::string copy(bitmap);
  if (roaring_bitmap_portable_deserialize_size(copy.data(), copy.size()) != copy.size()) {
    return Status::Corruption(file, bitmap_at, "malformed roaring bitmap");
  }
  roaring_bitmap_t* raw = roaring_bitmap_portable_deserialize_safe(copy.data(), copy.size());
  if (raw == nullptr) return Status::Corruption(file, bitmap_at, "malformed roaring bitmap");
  DeleteVector parsed(raw);
  if (parsed.Cardinality() != cardinality) {
    return Status::Corruption(
        file, bitmap_at,
        fmt::format("bitmap holds {} rows, header says {}", parsed.Cardinality(), cardinality));
  }
  // Re-check the ids and rebuild: a checksummed but hostile bitmap (e.g.
  // unsorted containers) must not leave roaring with broken invariants.
  std::vector<uint32_t> ids = parsed.ToVector();
  for (size_t i = 0; i < ids.size(); ++i) {
    if ((i > 0 && ids[i] <= ids[i - 1]) || ids[i] >= d.row_count) {
      return Status::Corruption(
          file, bitmap_at,
          fmt::format("bad deleted row id {} (rowset of {} rows)", ids[i], d.row_count));
    }
  }
  d.rows = DeleteVector(roaring_bitmap_of_ptr(ids.size(), ids.data()));
  return d;
}

Status WriteDeleteVectorFile(Env* env, const std::string& path, uint64_t rowset_id,
                             uint64_t row_count, const DeleteVector& dv) {
  SILT_ASSIGN_OR_RETURN(std::string image, dv.Encode(rowset_id, row_count));
  return WriteFileDurably(env, path, image);
}

Result<DeleteVector::Decoded> ReadDeleteVectorFile(Env* env, const std::string& path) {
  SILT_ASSIGN_OR_RETURN(std::string data, env->ReadFile(path));
  return DeleteVector::Decode(data, path);
}

}  // namespace silt
