// The lineitem generator (docs/tpch.md).
#include "table/tpch_lineitem.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "common/path.h"

namespace silt {
namespace {

uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// xoshiro256** (Blackman and Vigna), seeded through splitmix64 as its authors
// recommend. Integer-only, so the same on every machine.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (auto& w : s_) w = SplitMix64(&seed);
  }
  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // Uniform in [lo, hi] by multiply-and-shift (bias below 2^-40 for our
  // ranges, and deterministic).
  int64_t Uniform(int64_t lo, int64_t hi) {
    const uint64_t range = static_cast<uint64_t>(hi - lo) + 1;
    const auto wide = static_cast<unsigned __int128>(Next()) * range;
    return lo + static_cast<int64_t>(static_cast<uint64_t>(wide >> 64));
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// TPC-H's value lists for the two instruction columns.
constexpr std::string_view kShipInstructs[] = {"DELIVER IN PERSON", "COLLECT COD", "NONE",
                                               "TAKE BACK RETURN"};
constexpr std::string_view kShipModes[] = {"REG AIR", "AIR",  "RAIL", "SHIP",
                                           "TRUCK",   "MAIL", "FOB"};

// Words of the comments: our own list (not TPC-H's grammar), lower case, so
// that comments look like text and compress like text.
constexpr std::string_view kWords[] = {
    "quick",    "careful",  "silent",    "final",    "pending", "ironic",  "bold",   "even",
    "regular",  "express",  "special",   "slow",     "steady",  "furious", "blithe", "daring",
    "packages", "requests", "accounts",  "deposits", "orders",  "pallets", "crates", "boxes",
    "ideas",    "theories", "platelets", "notes",    "foxes",   "pinto",   "beans",  "dolphins",
    "sleep",    "wake",     "haggle",    "nag",      "cajole",  "boost",   "detect", "integrate",
    "use",      "print",    "affix",     "doze",     "engage",  "solve",   "dazzle", "thrash",
    "about",    "above",    "across",    "after",    "along",   "among",   "around", "beside",
    "the",      "of",       "and",       "to",       "at",      "by",      "from",   "within",
};
constexpr size_t kWordCount = sizeof(kWords) / sizeof(kWords[0]);

constexpr int kMinComment = 10;
constexpr int kMaxComment = 43;

// Writes a comment of exactly `len` bytes: words separated by single spaces,
// the last word cut at the length; never ends in a space.
uint8_t MakeComment(Rng* rng, int len, char* out) {
  int n = 0;
  while (n < len) {
    if (n > 0) out[n++] = ' ';
    const std::string_view w = kWords[rng->Uniform(0, kWordCount - 1)];
    const size_t take = std::min<size_t>(w.size(), static_cast<size_t>(len - n));
    std::memcpy(out + n, w.data(), take);
    n += static_cast<int>(take);
  }
  if (out[len - 1] == ' ') out[len - 1] = '.';
  return static_cast<uint8_t>(len);
}

DataType Money() { return DataType::Decimal(15, 2).value().NotNull(); }

// Resets `batch` to empty vectors of the lineitem schema, keeping memory.
void ResetBatch(RowBatch* batch, const std::vector<ColumnDef>& schema) {
  bool same = batch->columns.size() == schema.size();
  for (size_t c = 0; same && c < schema.size(); ++c) {
    same = batch->columns[c].type() == schema[c].type;
  }
  if (same) {
    for (auto& v : batch->columns) v.Clear();
  } else {
    batch->columns.clear();
    for (const auto& c : schema) batch->columns.emplace_back(c.type);
  }
  batch->rows = 0;
}

const std::vector<ColumnDef>& Schema() {
  static const std::vector<ColumnDef> schema = LineitemSchema();
  return schema;
}

}  // namespace

std::vector<ColumnDef> LineitemSchema() {
  const DataType id = DataType::Int64().NotNull();
  const DataType text = DataType::String().NotNull();
  const DataType day = DataType::Date().NotNull();
  return {
      {"l_orderkey", id},      {"l_partkey", id},
      {"l_suppkey", id},       {"l_linenumber", DataType::Int32().NotNull()},
      {"l_quantity", Money()}, {"l_extendedprice", Money()},
      {"l_discount", Money()}, {"l_tax", Money()},
      {"l_returnflag", text},  {"l_linestatus", text},
      {"l_shipdate", day},     {"l_commitdate", day},
      {"l_receiptdate", day},  {"l_shipinstruct", text},
      {"l_shipmode", text},    {"l_comment", text},
  };
}

LineitemScale LineitemScale::For(double sf) {
  LineitemScale s;
  const double f = sf > 0 ? sf : 0;
  s.orders = std::max<uint64_t>(1, static_cast<uint64_t>(std::llround(1500000.0 * f)));
  s.parts = std::max<int64_t>(1, std::llround(200000.0 * f));
  s.suppliers = std::max<int64_t>(1, std::llround(10000.0 * f));
  return s;
}

int64_t LineitemOrderKey(uint64_t order_index) {
  return static_cast<int64_t>((order_index / 8) * 32 + order_index % 8 + 1);
}

int64_t PartRetailPriceCents(int64_t p) { return 90000 + (p / 10) % 20001 + 100 * (p % 1000); }

int64_t PartSupplier(int64_t p, int i, int64_t s) {
  return (p + i * (s / 4 + (p - 1) / s)) % s + 1;
}

LineitemGenerator::LineitemGenerator(const LineitemOptions& options)
    : options_(options), scale_(LineitemScale::For(options.scale_factor)) {
  if (options_.batch_rows == 0) options_.batch_rows = ColumnVector::kBatchRows;
  lines_.reserve(7);
}

void LineitemGenerator::GenerateOrder() {
  uint64_t mix = options_.seed ^ (next_order_ * 0xd1b54a32d192ed03ull);
  Rng rng(SplitMix64(&mix));
  orderkey_ = LineitemOrderKey(next_order_);
  ++next_order_;
  const int32_t orderdate =
      static_cast<int32_t>(rng.Uniform(kLineitemStartDate, kLineitemLastOrderDate));
  const int count = static_cast<int>(rng.Uniform(1, 7));
  lines_.resize(count);
  next_line_ = 0;
  for (Line& l : lines_) {
    l.partkey = rng.Uniform(1, scale_.parts);
    l.suppkey = PartSupplier(l.partkey, static_cast<int>(rng.Uniform(0, 3)), scale_.suppliers);
    const int64_t qty = rng.Uniform(1, 50);
    l.quantity = qty * 100;
    l.extendedprice = qty * PartRetailPriceCents(l.partkey);
    l.discount = rng.Uniform(0, 10);
    l.tax = rng.Uniform(0, 8);
    l.shipdate = orderdate + static_cast<int32_t>(rng.Uniform(1, 121));
    l.commitdate = orderdate + static_cast<int32_t>(rng.Uniform(30, 90));
    l.receiptdate = l.shipdate + static_cast<int32_t>(rng.Uniform(1, 30));
    const bool returned = rng.Uniform(0, 1) == 1;
    l.returnflag = l.receiptdate <= kLineitemCurrentDate ? (returned ? 'R' : 'A') : 'N';
    l.linestatus = l.shipdate > kLineitemCurrentDate ? 'O' : 'F';
    l.shipinstruct = static_cast<uint8_t>(rng.Uniform(0, 3));
    l.shipmode = static_cast<uint8_t>(rng.Uniform(0, 6));
    l.comment_length =
        MakeComment(&rng, static_cast<int>(rng.Uniform(kMinComment, kMaxComment)), l.comment);
  }
}

bool LineitemGenerator::NextRows(RowBatch* batch, size_t max_rows) {
  ResetBatch(batch, Schema());
  if (done() || max_rows == 0) return false;
  auto& c = batch->columns;
  for (auto& v : c) v.Reserve(max_rows, v.physical() == PhysicalType::kString ? max_rows * 8 : 0);
  c[kLComment].Reserve(max_rows, max_rows * kMaxComment);
  size_t n = 0;
  while (n < max_rows) {
    if (next_line_ >= lines_.size()) {
      if (next_order_ >= scale_.orders) break;
      GenerateOrder();
    }
    const Line& l = lines_[next_line_++];
    c[kLOrderKey].AppendInt64(orderkey_);
    c[kLPartKey].AppendInt64(l.partkey);
    c[kLSuppKey].AppendInt64(l.suppkey);
    c[kLLineNumber].AppendInt32(static_cast<int32_t>(next_line_));
    c[kLQuantity].AppendInt64(l.quantity);
    c[kLExtendedPrice].AppendInt64(l.extendedprice);
    c[kLDiscount].AppendInt64(l.discount);
    c[kLTax].AppendInt64(l.tax);
    c[kLReturnFlag].AppendString(std::string_view(&l.returnflag, 1));
    c[kLLineStatus].AppendString(std::string_view(&l.linestatus, 1));
    c[kLShipDate].AppendInt32(l.shipdate);
    c[kLCommitDate].AppendInt32(l.commitdate);
    c[kLReceiptDate].AppendInt32(l.receiptdate);
    c[kLShipInstruct].AppendString(kShipInstructs[l.shipinstruct]);
    c[kLShipMode].AppendString(kShipModes[l.shipmode]);
    c[kLComment].AppendString(std::string_view(l.comment, l.comment_length));
    ++n;
  }
  batch->rows = n;
  rows_ += n;
  return n > 0;
}

Result<bool> LineitemGenerator::Next(RowBatch* batch) {
  return NextRows(batch, options_.batch_rows);
}

std::string LineitemRowSetDir(const std::string& dir, size_t i) {
  char name[32];
  std::snprintf(name, sizeof(name), "lineitem-%04zu", i);
  return JoinPath(dir, name);
}

Result<LineitemRowSets> WriteLineitemRowSets(Env* env, const std::string& dir,
                                             const LineitemOptions& options, uint64_t rowset_rows,
                                             RowSetBuilderOptions builder) {
  if (rowset_rows == 0 || rowset_rows > kMaxRowSetRows) {
    return Status::InvalidArgument("rows per rowset must be between 1 and 2^32 - 1");
  }
  SILT_RETURN_IF_ERROR(env->CreateDirs(dir));
  LineitemGenerator gen(options);
  const size_t batch_rows = options.batch_rows == 0 ? ColumnVector::kBatchRows : options.batch_rows;
  LineitemRowSets out;
  RowBatch batch;
  builder.sort_key = {kLOrderKey};
  while (!gen.done()) {
    const std::string path = LineitemRowSetDir(dir, out.dirs.size());
    builder.rowset_id = out.dirs.size();
    SILT_ASSIGN_OR_RETURN(auto b, RowSetBuilder::Create(env, path, LineitemSchema(), builder));
    uint64_t in_rowset = 0;
    while (in_rowset < rowset_rows &&
           gen.NextRows(&batch, std::min<uint64_t>(batch_rows, rowset_rows - in_rowset))) {
      SILT_RETURN_IF_ERROR(b->Add(batch.columns));
      in_rowset += batch.rows;
    }
    SILT_RETURN_IF_ERROR(b->Finish().status());
    out.rows += in_rowset;
    SILT_ASSIGN_OR_RETURN(auto names, env->ListDir(path));
    for (const auto& n : names) {
      SILT_ASSIGN_OR_RETURN(uint64_t size, env->GetFileSize(JoinPath(path, n)));
      out.bytes += size;
    }
    out.dirs.push_back(path);
  }
  return out;
}

void AppendCsvRow(const RowBatch& batch, size_t row, std::string* out) {
  for (size_t c = 0; c < batch.columns.size(); ++c) {
    if (c > 0) out->push_back(',');
    const ColumnVector& v = batch.columns[c];
    if (v.IsNull(row)) continue;  // an empty field
    const DataType& t = v.type();
    switch (t.id()) {
      case TypeId::kString: {
        const std::string_view s = v.GetString(row);
        const bool quote = s.empty() || s.find_first_of(",\"\r\n") != std::string_view::npos ||
                           s.front() == ' ' || s.back() == ' ';
        if (!quote) {
          out->append(s);
          break;
        }
        out->push_back('"');
        for (char ch : s) {
          if (ch == '"') out->push_back('"');
          out->push_back(ch);
        }
        out->push_back('"');
        break;
      }
      case TypeId::kInt32:
        out->append(std::to_string(v.Get<int32_t>(row)));
        break;
      case TypeId::kInt64:
        out->append(std::to_string(v.Get<int64_t>(row)));
        break;
      case TypeId::kDecimal:
        out->append(FormatDecimal(v.Get<int64_t>(row), t.scale()));
        break;
      case TypeId::kDate:
        out->append(FormatDate(v.Get<int32_t>(row)));
        break;
      default:
        out->append(v.GetValue(row).ToString(t));
        break;
    }
  }
  out->push_back('\n');
}

Result<uint64_t> WriteLineitemCsv(Env* env, const std::string& path,
                                  const LineitemOptions& options) {
  SILT_ASSIGN_OR_RETURN(auto file, env->NewFile(path, OpenMode::kTruncate));
  std::string buf;
  for (const auto& c : LineitemSchema()) {
    if (!buf.empty()) buf.push_back(',');
    buf.append(c.name);
  }
  buf.push_back('\n');
  LineitemGenerator gen(options);
  RowBatch batch;
  while (gen.NextRows(&batch, options.batch_rows == 0 ? 2048 : options.batch_rows)) {
    for (size_t r = 0; r < batch.rows; ++r) AppendCsvRow(batch, r, &buf);
    if (buf.size() >= (1u << 20)) {
      SILT_RETURN_IF_ERROR(file->Append(buf));
      buf.clear();
    }
  }
  SILT_RETURN_IF_ERROR(file->Append(buf));
  SILT_RETURN_IF_ERROR(file->Sync());
  return gen.rows_generated();
}

}  // namespace silt
