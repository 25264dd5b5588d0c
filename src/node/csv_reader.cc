// The CSV reader (csv_reader.h, docs/csv_import.md).
//
// Next works in chunks of up to kChunkRows records: Tokenize splits the
// records at the read position into fields (offsets into the buffer, one
// array per column), stopping at a record cut off by the end of the buffered
// data; then ParseColumn turns each column's fields into values. Tokenizing
// first means a record that the buffer cuts off leaves nothing to undo in
// the ColumnVectors, and parsing a column at a time keeps each loop on one
// type. Errors found by Tokenize wait until the rows before them are parsed,
// so that the first error in the file is the one reported.
#include "node/csv_reader.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>
#include <limits>
#include <system_error>
#include <unordered_map>

#include <fmt/format.h>

#include "table/expr.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace silt::node {
namespace {

// Records tokenized before their fields are parsed.
constexpr size_t kChunkRows = 1024;
// Field offsets are 30 bits; the two bits above mark quoted fields and quoted
// fields holding "" (which string columns must unescape).
constexpr uint32_t kQuoted = 1u << 31;
constexpr uint32_t kEscaped = 1u << 30;
constexpr uint32_t kOffsetMask = kEscaped - 1;
// The buffer never grows past this: a longer record is an error.
constexpr size_t kMaxBuffer = kOffsetMask;
// Bytes after the data that the 16-byte scans may read.
constexpr size_t kPad = 64;

struct Field {
  uint32_t begin;
  uint32_t end;  // plus kQuoted / kEscaped
};

inline bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// Drops spaces and tabs around [*b, *e).
inline void TrimBlanks(const char** b, const char** e) {
  while (*b < *e && IsBlank(**b)) ++*b;
  while (*e > *b && IsBlank((*e)[-1])) --*e;
}

// Bit i set when p[i] is the delimiter, '"', '\r' or '\n' (i < 64). Reads
// 64 bytes: the buffer's padding covers a block starting before its end.
inline uint64_t SpecialMask(const char* p, char delim) {
#if defined(__SSE2__)
  const __m128i vd = _mm_set1_epi8(delim);
  const __m128i vq = _mm_set1_epi8('"');
  const __m128i vn = _mm_set1_epi8('\n');
  const __m128i vr = _mm_set1_epi8('\r');
  uint64_t mask = 0;
  for (int i = 0; i < 4; ++i) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
    const __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, vd), _mm_cmpeq_epi8(x, vq)),
                                   _mm_or_si128(_mm_cmpeq_epi8(x, vn), _mm_cmpeq_epi8(x, vr)));
    mask |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(m))) << (16 * i);
  }
  return mask;
#else
  uint64_t mask = 0;
  for (int i = 0; i < 64; ++i) {
    const char c = p[i];
    mask |= static_cast<uint64_t>(c == delim || c == '"' || c == '\n' || c == '\r') << i;
  }
  return mask;
#endif
}

// Hands out the special bytes (SpecialMask) of the buffer in order, 64 bytes
// at a time. Taking the next one is a count of trailing zeros and clearing
// the lowest bit, so the field loop does not wait for a load and compare per
// field; the masks of later blocks do not depend on the fields and the CPU
// computes them ahead.
class SpecialScanner {
 public:
  SpecialScanner(const char* p, const char* end, char delim) : end_(end), delim_(delim) {
    Reset(p);
  }

  // Restarts at p (after the scan skipped ahead, e.g. over a quoted field).
  void Reset(const char* p) {
    block_ = p;
    bits_ = p < end_ ? SpecialMask(p, delim_) : 0;
  }

  // The next special byte not yet taken, or end.
  const char* Take() {
    while (bits_ == 0) {
      block_ += 64;
      if (block_ >= end_) {
        block_ = end_;
        return end_;
      }
      bits_ = SpecialMask(block_, delim_);
    }
    const char* s = block_ + std::countr_zero(bits_);
    bits_ &= bits_ - 1;
    return s < end_ ? s : end_;
  }

 private:
  const char* block_;
  const char* const end_;
  const char delim_;
  uint64_t bits_;
};

// The text of a field for an error message: at most 64 bytes, control bytes
// escaped.
std::string Quote(std::string_view text) {
  std::string out;
  const size_t n = std::min<size_t>(text.size(), 64);
  for (size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  if (n < text.size()) out += "...";
  return out;
}

// ---- value parsers: nullptr on success, else why not ("" for no detail) ----
// Forced inline: each runs once per field in ParseFixed's loop.

[[gnu::always_inline]] inline const char* ParseBool(const char* b, const char* e, uint8_t* out) {
  TrimBlanks(&b, &e);
  const size_t n = static_cast<size_t>(e - b);
  auto lower = [&](size_t i) { return static_cast<char>(b[i] | 0x20); };
  if (n == 1 && (*b == '0' || *b == '1')) {
    *out = *b == '1';
  } else if (n == 4 && lower(0) == 't' && lower(1) == 'r' && lower(2) == 'u' && lower(3) == 'e') {
    *out = 1;
  } else if (n == 5 && lower(0) == 'f' && lower(1) == 'a' && lower(2) == 'l' && lower(3) == 's' &&
             lower(4) == 'e') {
    *out = 0;
  } else {
    return "";
  }
  return nullptr;
}

template <typename T>
const char* ParseIntSlow(const char* b, const char* e, T* out) {
  TrimBlanks(&b, &e);
  if (b < e && *b == '+') {
    ++b;
    if (b < e && *b == '-') return "";
  }
  const auto [ptr, ec] = std::from_chars(b, e, *out);
  if (ec == std::errc::result_out_of_range && ptr == e) return "out of range";
  if (ec != std::errc() || ptr != e) return "";
  return nullptr;
}

template <typename T>
[[gnu::always_inline]] inline const char* ParseInt(const char* b, const char* e, T* out) {
  // Up to 18 digits cannot overflow an int64: no checks per digit.
  const char* p = b;
  const bool negative = p < e && *p == '-';
  if (p < e && (*p == '-' || *p == '+')) ++p;
  if (p == e || e - p > 18) return ParseIntSlow(b, e, out);
  uint64_t v = 0;
  for (; p < e; ++p) {
    const auto d = static_cast<unsigned>(static_cast<unsigned char>(*p) - '0');
    if (d > 9) return ParseIntSlow(b, e, out);
    v = v * 10 + d;
  }
  const int64_t value = negative ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
  if (value < std::numeric_limits<T>::min() || value > std::numeric_limits<T>::max()) {
    return "out of range";
  }
  *out = static_cast<T>(value);
  return nullptr;
}

[[gnu::always_inline]] inline const char* ParseDouble(const char* b, const char* e, double* out) {
  if (b < e && (IsBlank(*b) || IsBlank(e[-1]))) TrimBlanks(&b, &e);
  if (b < e && *b == '+') {
    ++b;
    if (b < e && *b == '-') return "";
  }
  const auto [ptr, ec] = std::from_chars(b, e, *out);
  if (ec == std::errc::result_out_of_range && ptr == e) return "out of range";
  if (ec != std::errc() || ptr != e) return "";
  return nullptr;
}

// ParseDecimal's rules (silt/types.h), without building a Status on success:
// [+-]digits[.digits] or [+-].digits, at most `scale` fraction digits and at
// most `precision` digits in all, leading zeros not counted.
[[gnu::always_inline]] inline const char* ParseDecimalField(const char* b, const char* e,
                                                            int precision, int scale,
                                                            int64_t* out) {
  if (b < e && (IsBlank(*b) || IsBlank(e[-1]))) TrimBlanks(&b, &e);
  bool negative = false;
  if (b < e && (*b == '-' || *b == '+')) {
    negative = *b == '-';
    ++b;
  }
  const char* p = b;
  while (p < e && *p == '0') ++p;  // leading zeros
  const char* int_begin = p;
  uint64_t v = 0;  // may wrap for too many digits; then unused
  for (; p < e; ++p) {
    const auto d = static_cast<unsigned>(static_cast<unsigned char>(*p) - '0');
    if (d > 9) break;
    v = v * 10 + d;
  }
  const int int_digits = static_cast<int>(p - int_begin);
  const bool any_int = p > b;
  int frac_digits = 0;
  if (p < e && *p == '.') {
    const char* frac_begin = ++p;
    for (; p < e; ++p) {
      const auto d = static_cast<unsigned>(static_cast<unsigned char>(*p) - '0');
      if (d > 9) break;
      v = v * 10 + d;
    }
    frac_digits = static_cast<int>(p - frac_begin);
  }
  if (p != e || (!any_int && frac_digits == 0)) return "";
  if (int_digits + scale > precision) return "too many digits";
  if (frac_digits > scale) return "too many fraction digits";
  // 0 <= scale - frac_digits <= 18 here; Pow10 is an inline table lookup.
  const auto scaled = static_cast<int64_t>(v) * Pow10(scale - frac_digits);
  *out = negative ? -scaled : scaled;
  return nullptr;
}

// ParseDate and ParseTimestamp also skip line ends around the text; we
// trim only spaces and tabs, as for numbers.
inline bool HasLineEndAtEdge(const char* b, const char* e) {
  return b < e && (*b == '\n' || *b == '\r' || e[-1] == '\n' || e[-1] == '\r');
}

inline bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// DaysFromCivil (silt/types.h) for years 0..9999, in unsigned arithmetic:
// shifted by 400 years (146,097 days) so that no value is negative, the
// divisions by constants become multiplications (DaysFromCivil's signed
// division compiles to an idiv here, a fifth of the date parser's time).
inline int32_t DaysFromCivilYear0To9999(int year, int month, int day) {
  const uint32_t y = static_cast<uint32_t>(year) + 400 - (month <= 2 ? 1 : 0);
  const uint32_t era = y / 400;
  const uint32_t year_of_era = y - era * 400;
  const uint32_t m = static_cast<uint32_t>(month > 2 ? month - 3 : month + 9);
  const uint32_t day_of_year = (153 * m + 2) / 5 + static_cast<uint32_t>(day) - 1;
  const uint32_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return static_cast<int32_t>(era) * 146097 + static_cast<int32_t>(day_of_era) - 719468 - 146097;
}

[[gnu::always_inline]] inline const char* ParseDateField(const char* b, const char* e,
                                                         int32_t* out) {
  // The common case, YYYY-MM-DD alone, without ParseDate's Result.
  if (e - b == 10 && b[4] == '-' && b[7] == '-') {
    unsigned d[8];
    const int pos[8] = {0, 1, 2, 3, 5, 6, 8, 9};
    bool digits = true;
    for (int i = 0; i < 8; ++i) {
      d[i] = static_cast<unsigned>(static_cast<unsigned char>(b[pos[i]]) - '0');
      digits &= d[i] <= 9;
    }
    if (digits) {
      static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
      const int y = static_cast<int>(d[0] * 1000 + d[1] * 100 + d[2] * 10 + d[3]);
      const int m = static_cast<int>(d[4] * 10 + d[5]);
      const int day = static_cast<int>(d[6] * 10 + d[7]);
      if (m < 1 || m > 12 || day < 1) return "";
      const int dim = m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
      if (day > dim) return "";
      *out = DaysFromCivilYear0To9999(y, m, day);
      return nullptr;
    }
  }
  TrimBlanks(&b, &e);
  if (HasLineEndAtEdge(b, e)) return "";
  auto r = ParseDate(std::string_view(b, static_cast<size_t>(e - b)));
  if (!r.ok()) return "";
  *out = *r;
  return nullptr;
}

const char* ParseTimestampField(const char* b, const char* e, int64_t* out) {
  TrimBlanks(&b, &e);
  if (b == e || HasLineEndAtEdge(b, e)) return "";
  auto r = ParseTimestamp(std::string_view(b, static_cast<size_t>(e - b)));
  if (!r.ok()) return "";
  *out = *r;
  return nullptr;
}

// memcpy for the short strings of most CSV files, without a call per field:
// overlapping fixed-size moves that the compiler inlines.
inline void CopyShort(char* dst, const char* src, size_t n) {
  if (n >= 16 && n <= 32) {
    char a[16], b[16];
    std::memcpy(a, src, 16);
    std::memcpy(b, src + n - 16, 16);
    std::memcpy(dst, a, 16);
    std::memcpy(dst + n - 16, b, 16);
  } else if (n >= 8 && n < 16) {
    uint64_t a, b;
    std::memcpy(&a, src, 8);
    std::memcpy(&b, src + n - 8, 8);
    std::memcpy(dst, &a, 8);
    std::memcpy(dst + n - 8, &b, 8);
  } else if (n >= 4 && n < 8) {
    uint32_t a, b;
    std::memcpy(&a, src, 4);
    std::memcpy(&b, src + n - 4, 4);
    std::memcpy(dst, &a, 4);
    std::memcpy(dst + n - 4, &b, 4);
  } else if (n > 0 && n < 4) {
    dst[0] = src[0];
    dst[n / 2] = src[n / 2];
    dst[n - 1] = src[n - 1];
  } else if (n > 32) {
    std::memcpy(dst, src, n);
  }
}

// Appends the content of a quoted field, "" becoming ", to *out.
void Unescape(std::string_view raw, std::string* out) {
  out->clear();
  for (size_t i = 0; i < raw.size(); ++i) {
    out->push_back(raw[i]);
    if (raw[i] == '"') ++i;  // the second quote of ""
  }
}

// Splits one record at *p into fields (unescaped), a byte at a time: for the
// header and for error messages, never for data. On kOk *p is past the
// record's line end.
enum class Split { kOk, kNeedMore, kError };
struct SplitResult {
  Split split = Split::kOk;
  uint32_t newlines = 0;  // inside quoted fields
  std::string why;        // kError: what is wrong ...
  size_t field = 0;       // ... in which field (0-based)
};

SplitResult SplitRecord(const char** pp, const char* end, bool eof, char delim,
                        std::vector<std::string>* fields) {
  SplitResult r;
  const char* p = *pp;
  fields->clear();
  auto need_more = [&] {
    r.split = Split::kNeedMore;
    return r;
  };
  auto error = [&](std::string why) {
    r.split = Split::kError;
    r.why = std::move(why);
    r.field = fields->size();
    return r;
  };
  while (true) {
    std::string field;
    if (p < end && *p == '"') {
      ++p;
      while (true) {
        if (p == end) {
          if (!eof) return need_more();
          return error("unterminated quoted field at end of file");
        }
        if (*p == '"') {
          if (p + 1 == end && !eof) return need_more();
          if (p + 1 < end && p[1] == '"') {
            field.push_back('"');
            p += 2;
            continue;
          }
          ++p;
          break;
        }
        if (*p == '\n') ++r.newlines;
        field.push_back(*p++);
      }
    } else {
      while (p < end && *p != delim && *p != '\n' && *p != '\r' && *p != '"') field.push_back(*p++);
      if (p < end && *p == '"') return error("quote inside an unquoted field");
    }
    if (p == end) {
      if (!eof) return need_more();
      fields->push_back(std::move(field));
      *pp = p;
      return r;
    }
    const char c = *p;
    if (c == delim) {
      fields->push_back(std::move(field));
      ++p;
      continue;
    }
    if (c == '\n' || (c == '\r' && p + 1 < end && p[1] == '\n')) {
      fields->push_back(std::move(field));
      *pp = p + (c == '\r' ? 2 : 1);
      return r;
    }
    if (c == '\r') {
      if (p + 1 == end && !eof) return need_more();
      return error("carriage return not followed by a newline");
    }
    return error(
        fmt::format("unexpected '{}' after a closing quote", Quote(std::string_view(&c, 1))));
  }
}

}  // namespace

class CsvReader::Impl {
 public:
  Impl(std::string path, std::vector<ColumnDef> columns, CsvOptions options,
       std::unique_ptr<File> file, uint64_t file_size)
      : path_(std::move(path)),
        columns_(std::move(columns)),
        options_(options),
        file_(std::move(file)),
        file_size_(file_size),
        fields_(columns_.size() * kChunkRows),
        row_lines_(kChunkRows) {
    cap_ = std::clamp<size_t>(options_.read_bytes, 16, kMaxBuffer);
    buf_ = std::make_unique<char[]>(cap_ + kPad);
    std::memset(buf_.get(), 0, cap_ + kPad);
    field_column_.resize(columns_.size());
    for (size_t i = 0; i < columns_.size(); ++i) field_column_[i] = i;
  }

  Status Start();
  Result<bool> Next(RowBatch* batch);

  uint64_t bytes_read() const { return consumed_; }
  uint64_t file_size() const { return file_size_; }
  uint64_t rows_read() const { return rows_read_; }
  const std::vector<ColumnDef>& columns() const { return columns_; }

 private:
  // Keeps the bytes from pos_ on and reads more after them (growing the
  // buffer if they fill it). Sets eof_ when the file is all read.
  Status Refill();
  Status ReadHeader();
  // Splits records into fields_ until `max_rows`, the end of the buffered
  // data (*need_more) or of the file (*done), or an error (pending_).
  size_t Tokenize(size_t max_rows, bool* need_more, bool* done);
  Status ParseColumn(size_t c, size_t rows, ColumnVector* out);
  template <typename T, typename Parse>
  Status ParseFixed(size_t c, size_t rows, ColumnVector* out, Parse parse);
  Status ParseStrings(size_t c, size_t rows, ColumnVector* out);
  // Columns are parsed one after another, so the error ParseColumn found
  // may not be the first of the chunk: this finds that one, row by row and
  // field by field.
  Status FirstError(size_t rows) const;
  Status CheckField(size_t c, size_t r) const;

  std::string Where(uint64_t line) const { return fmt::format("{} line {}", path_, line); }
  Status FieldError(uint64_t line, size_t file_field, std::string_view what) const;
  Status CannotParse(size_t c, size_t r, std::string_view text, const char* why) const;
  Status NullError(size_t c, size_t r) const;
  // The error for the record at rec with the wrong field count; kNeedMore
  // when the record is not all in the buffer yet.
  bool FieldCountError(const char* rec, uint64_t line, size_t found_at_least);

  const std::string path_;
  const std::vector<ColumnDef> columns_;
  const CsvOptions options_;
  std::unique_ptr<File> file_;
  const uint64_t file_size_;

  std::unique_ptr<char[]> buf_;  // cap_ + kPad bytes
  size_t cap_ = 0;
  size_t len_ = 0;            // valid bytes in buf_
  size_t pos_ = 0;            // start of the next record
  uint64_t buf_offset_ = 0;   // file offset of buf_[0]
  uint64_t read_offset_ = 0;  // next file offset to read
  bool eof_ = false;          // read_offset_ reached the end of the file
  uint64_t line_ = 1;         // line of the record at pos_
  uint64_t consumed_ = 0;
  uint64_t rows_read_ = 0;

  std::vector<size_t> field_column_;  // file field -> table column
  std::vector<Field> fields_;         // [column * kChunkRows + row]
  std::vector<uint64_t> row_lines_;   // line of each tokenized row
  Status pending_;                    // an error after the tokenized rows
  Status error_;                      // sticky
  std::string scratch_;
  std::vector<uint8_t> valid_bits_;
};

Status CsvReader::Impl::Refill() {
  if (eof_) return Status::OK();
  if (pos_ > 0) {
    std::memmove(buf_.get(), buf_.get() + pos_, len_ - pos_);
    buf_offset_ += pos_;
    len_ -= pos_;
    pos_ = 0;
  }
  if (len_ == cap_) {
    if (cap_ >= kMaxBuffer) {
      return Status::InvalidArgument(
          fmt::format("{}: record longer than {} bytes", Where(line_), kMaxBuffer));
    }
    const size_t cap = std::min(cap_ * 2, kMaxBuffer);
    auto buf = std::make_unique<char[]>(cap + kPad);
    std::memcpy(buf.get(), buf_.get(), len_);
    std::memset(buf.get() + len_, 0, cap + kPad - len_);
    buf_ = std::move(buf);
    cap_ = cap;
  }
  const size_t want =
      static_cast<size_t>(std::min<uint64_t>(cap_ - len_, file_size_ - read_offset_));
  SILT_ASSIGN_OR_RETURN(size_t n,
                        file_->ReadAt(read_offset_, std::span<char>(buf_.get() + len_, want)));
  read_offset_ += n;
  len_ += n;
  if (n < want || read_offset_ >= file_size_) eof_ = true;
  return Status::OK();
}

Status CsvReader::Impl::Start() {
  SILT_RETURN_IF_ERROR(Refill());
  if (len_ >= 3 && std::memcmp(buf_.get(), "\xEF\xBB\xBF", 3) == 0) pos_ = 3;
  if (options_.header) SILT_RETURN_IF_ERROR(ReadHeader());
  consumed_ = buf_offset_ + pos_;
  return Status::OK();
}

Status CsvReader::Impl::ReadHeader() {
  std::vector<std::string> names;
  while (true) {
    const char* p = buf_.get() + pos_;
    const char* end = buf_.get() + len_;
    if (p == end && eof_) {
      return Status::InvalidArgument(fmt::format("{}: empty file, expected a header line", path_));
    }
    const SplitResult r = SplitRecord(&p, end, eof_, options_.delimiter, &names);
    if (r.split == Split::kNeedMore) {
      SILT_RETURN_IF_ERROR(Refill());
      continue;
    }
    if (r.split == Split::kError) {
      return Status::InvalidArgument(
          fmt::format("{} (header), field {}: {}", Where(line_), r.field + 1, r.why));
    }
    pos_ = static_cast<size_t>(p - buf_.get());
    line_ += 1 + r.newlines;
    break;
  }
  const std::string where = fmt::format("{} line 1 (header)", path_);
  std::unordered_map<std::string_view, size_t> by_name;
  for (size_t c = 0; c < columns_.size(); ++c) by_name.emplace(columns_[c].name, c);
  std::vector<bool> seen(columns_.size(), false);
  field_column_.clear();
  for (const std::string& name : names) {
    auto it = by_name.find(name);
    if (it == by_name.end()) {
      std::string all;
      for (const auto& c : columns_) all += (all.empty() ? "" : ", ") + c.name;
      return Status::InvalidArgument(fmt::format(
          "{}: unknown column '{}' (the table's columns are {})", where, Quote(name), all));
    }
    if (seen[it->second]) {
      return Status::InvalidArgument(
          fmt::format("{}: column '{}' appears twice", where, Quote(name)));
    }
    seen[it->second] = true;
    field_column_.push_back(it->second);
  }
  for (size_t c = 0; c < columns_.size(); ++c) {
    if (!seen[c]) {
      return Status::InvalidArgument(
          fmt::format("{}: column '{}' is missing", where, columns_[c].name));
    }
  }
  return Status::OK();
}

Status CsvReader::Impl::FieldError(uint64_t line, size_t file_field, std::string_view what) const {
  if (file_field < field_column_.size()) {
    return Status::InvalidArgument(fmt::format("{}, column '{}': {}", Where(line),
                                               columns_[field_column_[file_field]].name, what));
  }
  return Status::InvalidArgument(
      fmt::format("{}, field {}: {}", Where(line), file_field + 1, what));
}

Status CsvReader::Impl::CannotParse(size_t c, size_t r, std::string_view text,
                                    const char* why) const {
  return Status::InvalidArgument(fmt::format(
      "{}, column '{}': cannot parse '{}' as {}{}{}", Where(row_lines_[r]), columns_[c].name,
      Quote(text), columns_[c].type.WithNullable(true).ToString(), *why ? ": " : "", why));
}

Status CsvReader::Impl::NullError(size_t c, size_t r) const {
  return Status::InvalidArgument(fmt::format("{}, column '{}': null in not-null column",
                                             Where(row_lines_[r]), columns_[c].name));
}

bool CsvReader::Impl::FieldCountError(const char* rec, uint64_t line, size_t found_at_least) {
  std::vector<std::string> fields;
  const char* p = rec;
  const SplitResult r = SplitRecord(&p, buf_.get() + len_, eof_, options_.delimiter, &fields);
  if (r.split == Split::kNeedMore) return false;
  if (r.split == Split::kError && r.field >= found_at_least) {
    pending_ = FieldError(line, r.field, r.why);
  } else {
    pending_ = Status::InvalidArgument(
        fmt::format("{}: expected {} fields, found {}", Where(line), columns_.size(),
                    r.split == Split::kOk ? fields.size() : found_at_least));
  }
  return true;
}

size_t CsvReader::Impl::Tokenize(size_t max_rows, bool* need_more, bool* done) {
  *need_more = false;
  *done = false;
  const char* const buf = buf_.get();
  const char* const end = buf + len_;
  const char delim = options_.delimiter;
  const size_t ncols = columns_.size();
  const size_t* const field_column = field_column_.data();
  Field* const fields = fields_.data();
  SpecialScanner scanner(buf + pos_, end, delim);
  size_t rows = 0;

  while (rows < max_rows) {
    const char* rec = buf + pos_;
    const char* p = rec;
    const uint64_t line = line_;
    uint64_t newlines = 0;
    if (p == end) {
      if (eof_) {
        *done = true;
      } else {
        *need_more = true;
      }
      return rows;
    }
    // An empty line: ignored at the end of the file, else one empty field.
    if (*p == '\n' || (*p == '\r' && p + 1 < end && p[1] == '\n')) {
      const char* q = p;
      while (q < end && (*q == '\n' || (*q == '\r' && q + 1 < end && q[1] == '\n'))) {
        q += *q == '\r' ? 2 : 1;
      }
      if (q == end || (*q == '\r' && q + 1 == end)) {
        if (!eof_ || q != end) {
          *need_more = !eof_;
          if (eof_) {  // "\r" alone at the very end
            pending_ = FieldError(line_ + static_cast<uint64_t>(std::count(p, q, '\n')), 0,
                                  "carriage return not followed by a newline");
          }
          return rows;
        }
        pos_ = len_;
        *done = true;
        return rows;
      }
      if (ncols > 1) {
        pending_ = Status::InvalidArgument(
            fmt::format("{}: expected {} fields, found an empty line", Where(line), ncols));
        return rows;
      }
      fields[rows] = Field{static_cast<uint32_t>(p - buf), static_cast<uint32_t>(p - buf)};
      row_lines_[rows] = line;
      ++rows;
      pos_ = static_cast<size_t>(p + (*p == '\r' ? 2 : 1) - buf);
      ++line_;
      scanner.Reset(buf + pos_);
      continue;
    }

    for (size_t f = 0;; ++f) {
      Field& out = fields[field_column[f] * kChunkRows + rows];
      if (p < end && *p == '"') {
        const char* q = p + 1;
        uint32_t flags = kQuoted;
        while (true) {
          q = static_cast<const char*>(std::memchr(q, '"', static_cast<size_t>(end - q)));
          if (q == nullptr) {
            if (!eof_) {
              *need_more = true;
            } else {
              pending_ = FieldError(line, f, "unterminated quoted field at end of file");
            }
            return rows;
          }
          if (q + 1 == end && !eof_) {
            *need_more = true;
            return rows;
          }
          if (q + 1 < end && q[1] == '"') {
            flags |= kEscaped;
            q += 2;
            continue;
          }
          break;
        }
        newlines += static_cast<uint64_t>(std::count(p + 1, q, '\n'));
        out.begin = static_cast<uint32_t>(p + 1 - buf);
        out.end = static_cast<uint32_t>(q - buf) | flags;
        p = q + 1;
        scanner.Reset(p);
        if (p < end) scanner.Take();  // the byte after the closing quote
      } else {
        const char* s = scanner.Take();
        if (s < end && *s == '"') {
          pending_ = FieldError(line, f, "quote inside an unquoted field");
          return rows;
        }
        out.begin = static_cast<uint32_t>(p - buf);
        out.end = static_cast<uint32_t>(s - buf);
        p = s;
      }
      // p is at the byte after the field.
      if (p == end) {
        if (!eof_) {
          *need_more = true;
          return rows;
        }
        if (f + 1 != ncols) {
          pending_ = Status::InvalidArgument(
              fmt::format("{}: expected {} fields, found {}", Where(line), ncols, f + 1));
          return rows;
        }
        break;
      }
      const char c = *p;
      if (c == delim) {
        if (f + 1 == ncols) {
          if (!FieldCountError(rec, line, f + 1)) *need_more = true;
          return rows;
        }
        ++p;
        continue;
      }
      if (c == '\n' || c == '\r') {
        if (c == '\r') {
          if (p + 1 == end && !eof_) {
            *need_more = true;
            return rows;
          }
          if (p + 1 == end || p[1] != '\n') {
            pending_ = FieldError(line, f, "carriage return not followed by a newline");
            return rows;
          }
          scanner.Take();  // the '\n'
          ++p;
        }
        ++p;
        if (f + 1 != ncols) {
          pending_ = Status::InvalidArgument(
              fmt::format("{}: expected {} fields, found {}", Where(line), ncols, f + 1));
          return rows;
        }
        ++newlines;
        break;
      }
      pending_ = FieldError(
          line, f,
          fmt::format("unexpected '{}' after a closing quote", Quote(std::string_view(&c, 1))));
      return rows;
    }
    row_lines_[rows] = line;
    ++rows;
    pos_ = static_cast<size_t>(p - buf);
    line_ += newlines;
  }
  return rows;
}

template <typename T, typename Parse>
Status CsvReader::Impl::ParseFixed(size_t c, size_t rows, ColumnVector* out, Parse parse) {
  const Field* f = &fields_[c * kChunkRows];
  const char* const buf = buf_.get();
  const bool nullable = columns_[c].type.nullable();
  const size_t start = out->size();
  T* dst = out->AppendUninitialized<T>(rows);
  bool any_null = false;
  for (size_t r = 0; r < rows; ++r) {
    const char* b = buf + f[r].begin;
    const char* e = buf + (f[r].end & kOffsetMask);
    if (b == e && (f[r].end & kQuoted) == 0) {
      if (!nullable) return NullError(c, r);
      if (!any_null) {
        any_null = true;
        valid_bits_.assign((rows + 7) / 8, 0xff);
      }
      valid_bits_[r >> 3] &= static_cast<uint8_t>(~(1u << (r & 7)));
      dst[r] = T{};
      continue;
    }
    if (const char* why = parse(b, e, &dst[r])) {
      return CannotParse(c, r, std::string_view(b, static_cast<size_t>(e - b)), why);
    }
  }
  if (any_null) out->SetValidity(start, valid_bits_.data(), rows);
  return Status::OK();
}

Status CsvReader::Impl::ParseStrings(size_t c, size_t rows, ColumnVector* out) {
  const Field* f = &fields_[c * kChunkRows];
  const char* const buf = buf_.get();
  const bool nullable = columns_[c].type.nullable();
  uint64_t total = 0;
  bool simple = true;  // no nulls and nothing to unescape
  for (size_t r = 0; r < rows; ++r) {
    const uint32_t b = f[r].begin, e = f[r].end & kOffsetMask;
    total += e - b;
    if ((f[r].end & kEscaped) != 0 || (b == e && (f[r].end & kQuoted) == 0)) simple = false;
  }
  if (out->string_bytes() + total > std::numeric_limits<uint32_t>::max()) {
    return Status::InvalidArgument(
        fmt::format("{}, column '{}': more than 4 GiB of strings in one batch (lower batch_rows)",
                    Where(row_lines_[0]), columns_[c].name));
  }
  if (simple) {
    ColumnVector::StringSpace space;
    if (!out->AppendStringsUninitialized(rows, total, &space)) {
      return Status::InvalidArgument("string bytes exceed 4 GiB");  // checked above
    }
    uint32_t at = 0;
    for (size_t r = 0; r < rows; ++r) {
      const uint32_t b = f[r].begin, n = (f[r].end & kOffsetMask) - b;
      CopyShort(space.bytes + at, buf + b, n);
      at += n;
      space.ends[r] = space.base + at;
    }
    return Status::OK();
  }
  for (size_t r = 0; r < rows; ++r) {
    const uint32_t b = f[r].begin, e = f[r].end & kOffsetMask;
    const std::string_view text(buf + b, e - b);
    if (b == e && (f[r].end & kQuoted) == 0) {
      if (!nullable) return NullError(c, r);
      out->AppendNull();
    } else if ((f[r].end & kEscaped) != 0) {
      Unescape(text, &scratch_);
      out->AppendString(scratch_);
    } else {
      out->AppendString(text);
    }
  }
  return Status::OK();
}

Status CsvReader::Impl::CheckField(size_t c, size_t r) const {
  const Field& f = fields_[c * kChunkRows + r];
  const char* b = buf_.get() + f.begin;
  const char* e = buf_.get() + (f.end & kOffsetMask);
  const DataType& type = columns_[c].type;
  if (b == e && (f.end & kQuoted) == 0) {
    return type.nullable() ? Status::OK() : NullError(c, r);
  }
  const char* why = nullptr;
  uint8_t b8;
  int32_t i32;
  int64_t i64;
  double d;
  switch (type.id()) {
    case TypeId::kBool:
      why = ParseBool(b, e, &b8);
      break;
    case TypeId::kInt32:
      why = ParseInt(b, e, &i32);
      break;
    case TypeId::kInt64:
      why = ParseInt(b, e, &i64);
      break;
    case TypeId::kFloat64:
      why = ParseDouble(b, e, &d);
      break;
    case TypeId::kDecimal:
      why = ParseDecimalField(b, e, type.precision(), type.scale(), &i64);
      break;
    case TypeId::kDate:
      why = ParseDateField(b, e, &i32);
      break;
    case TypeId::kTimestamp:
      why = ParseTimestampField(b, e, &i64);
      break;
    case TypeId::kString:
      break;
  }
  if (why != nullptr)
    return CannotParse(c, r, std::string_view(b, static_cast<size_t>(e - b)), why);
  return Status::OK();
}

Status CsvReader::Impl::FirstError(size_t rows) const {
  for (size_t r = 0; r < rows; ++r) {
    for (const size_t c : field_column_) SILT_RETURN_IF_ERROR(CheckField(c, r));
  }
  return Status::OK();
}

Status CsvReader::Impl::ParseColumn(size_t c, size_t rows, ColumnVector* out) {
  const DataType& type = columns_[c].type;
  switch (type.id()) {
    case TypeId::kBool:
      return ParseFixed<uint8_t>(c, rows, out, [](const char* b, const char* e, uint8_t* v) {
        return ParseBool(b, e, v);
      });
    case TypeId::kInt32:
      return ParseFixed<int32_t>(
          c, rows, out, [](const char* b, const char* e, int32_t* v) { return ParseInt(b, e, v); });
    case TypeId::kInt64:
      return ParseFixed<int64_t>(
          c, rows, out, [](const char* b, const char* e, int64_t* v) { return ParseInt(b, e, v); });
    case TypeId::kFloat64:
      return ParseFixed<double>(c, rows, out, [](const char* b, const char* e, double* v) {
        return ParseDouble(b, e, v);
      });
    case TypeId::kDecimal: {
      const int precision = type.precision(), scale = type.scale();
      return ParseFixed<int64_t>(c, rows, out,
                                 [precision, scale](const char* b, const char* e, int64_t* v) {
                                   return ParseDecimalField(b, e, precision, scale, v);
                                 });
    }
    case TypeId::kDate:
      return ParseFixed<int32_t>(c, rows, out, [](const char* b, const char* e, int32_t* v) {
        return ParseDateField(b, e, v);
      });
    case TypeId::kTimestamp:
      return ParseFixed<int64_t>(c, rows, out, [](const char* b, const char* e, int64_t* v) {
        return ParseTimestampField(b, e, v);
      });
    case TypeId::kString:
      return ParseStrings(c, rows, out);
  }
  return Status::NotSupported(fmt::format("column '{}': unknown type", columns_[c].name));
}

Result<bool> CsvReader::Impl::Next(RowBatch* batch) {
  if (!error_.ok()) return error_;
  // Reuse the batch's vectors when they already have the right types.
  bool same = batch->columns.size() == columns_.size();
  for (size_t c = 0; same && c < columns_.size(); ++c) {
    same = batch->columns[c].type() == columns_[c].type;
  }
  if (same) {
    for (auto& v : batch->columns) v.Clear();
  } else {
    batch->columns.clear();
    for (const auto& c : columns_) batch->columns.emplace_back(c.type);
  }
  batch->rows = 0;

  size_t total = 0;
  while (total < options_.batch_rows) {
    bool need_more = false, done = false;
    const size_t rows =
        Tokenize(std::min(kChunkRows, options_.batch_rows - total), &need_more, &done);
    for (size_t c = 0; c < columns_.size() && rows > 0; ++c) {
      Status s = ParseColumn(c, rows, &batch->columns[c]);
      if (!s.ok()) {
        const Status first = FirstError(rows);
        error_ = first.ok() ? s : first;
        return error_;
      }
    }
    total += rows;
    if (!pending_.ok()) {
      error_ = pending_;
      return error_;
    }
    if (done) break;
    if (need_more) {
      Status s = Refill();
      if (!s.ok()) {
        error_ = s;
        return s;
      }
    }
  }
  batch->rows = total;
  rows_read_ += total;
  consumed_ = buf_offset_ + pos_;
  return total > 0;
}

CsvReader::CsvReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CsvReader::~CsvReader() = default;

Result<std::unique_ptr<CsvReader>> CsvReader::Open(Env* env, const std::string& path,
                                                   std::vector<ColumnDef> columns,
                                                   CsvOptions options) {
  if (columns.empty()) return Status::InvalidArgument("CSV import needs at least one column");
  if (options.delimiter == '"' || options.delimiter == '\r' || options.delimiter == '\n') {
    return Status::InvalidArgument("the CSV delimiter cannot be a quote or a line end");
  }
  if (options.batch_rows == 0) return Status::InvalidArgument("batch_rows must be at least 1");
  auto file = env->NewFile(path, OpenMode::kRead);
  if (!file.ok()) return file.status();
  SILT_ASSIGN_OR_RETURN(uint64_t size, (*file)->Size());
  auto impl = std::make_unique<Impl>(path, std::move(columns), options, std::move(*file), size);
  SILT_RETURN_IF_ERROR(impl->Start());
  return std::unique_ptr<CsvReader>(new CsvReader(std::move(impl)));
}

Result<bool> CsvReader::Next(RowBatch* batch) { return impl_->Next(batch); }
uint64_t CsvReader::bytes_read() const { return impl_->bytes_read(); }
uint64_t CsvReader::file_size() const { return impl_->file_size(); }
uint64_t CsvReader::rows_read() const { return impl_->rows_read(); }
const std::vector<ColumnDef>& CsvReader::columns() const { return impl_->columns(); }

}  // namespace silt::node
