// Fuzzes the CSV reader (src/node/csv_reader.h, docs/csv_import.md). The
// first input byte picks the options (header, delimiter, batch and read
// sizes); the rest is the file, read as a table of every type from an
// in-memory Env. Reading must give rows or fail with InvalidArgument naming
// the file and a line, never crash or hang; and it must give the same rows
// and the same error whatever the batch and read sizes.
// (Configure with -DSILT_SANITIZE=address as well to catch memory errors.)
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/fault_injection_env.h"
#include "node/csv_reader.h"

namespace {

using namespace silt;

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

std::vector<ColumnDef> Schema() {
  return {{"b", DataType::Bool()},         {"i", DataType::Int32().NotNull()},
          {"l", DataType::Int64()},        {"f", DataType::Float64()},
          {"d", *DataType::Decimal(9, 3)}, {"dt", DataType::Date()},
          {"ts", DataType::Timestamp()},   {"s", DataType::String().NotNull()}};
}

struct Outcome {
  std::vector<std::vector<Value>> rows;
  std::string error;
};

Outcome ReadAll(Env* env, const std::string& path, const node::CsvOptions& options) {
  Outcome out;
  auto reader = node::CsvReader::Open(env, path, Schema(), options);
  if (!reader.ok()) {
    Check(reader.status().IsInvalidArgument());
    out.error = reader.status().message();
    Check(out.error.rfind(path, 0) == 0);
    return out;
  }
  RowBatch batch;
  while (true) {
    auto more = (*reader)->Next(&batch);
    if (!more.ok()) {
      Check(more.status().IsInvalidArgument());
      out.error = more.status().message();
      Check(out.error.rfind(path + " line ", 0) == 0);
      // Failed readers stay failed.
      auto again = (*reader)->Next(&batch);
      Check(!again.ok() && again.status().message() == out.error);
      return out;
    }
    if (!*more) break;
    Check(batch.rows > 0 && batch.rows <= options.batch_rows);
    Check(batch.columns.size() == Schema().size());
    for (size_t r = 0; r < batch.rows; ++r) {
      std::vector<Value> row;
      for (const auto& c : batch.columns) {
        Check(c.size() == batch.rows);
        row.push_back(c.GetValue(r));
      }
      out.rows.push_back(std::move(row));
    }
    Check((*reader)->bytes_read() <= (*reader)->file_size());
  }
  Check(batch.rows == 0);
  Check((*reader)->bytes_read() == (*reader)->file_size());
  Check((*reader)->rows_read() == out.rows.size());
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t knobs = data[0];
  static FaultInjectionEnv* env = new FaultInjectionEnv();
  const std::string path = "/input.csv";
  {
    auto f = env->NewFile(path, OpenMode::kTruncate);
    Check(f.ok());
    Check((*f)->Append(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1)).ok());
  }
  node::CsvOptions big;
  big.header = (knobs & 1) != 0;
  static const char kDelims[] = {',', ';', '\t', '|'};
  big.delimiter = kDelims[(knobs >> 1) & 3];
  big.batch_rows = 65536;
  const Outcome a = ReadAll(env, path, big);

  node::CsvOptions small = big;
  small.batch_rows = 1 + ((knobs >> 3) & 3);
  small.read_bytes = 16 + (knobs >> 5);
  const Outcome b = ReadAll(env, path, small);
  Check(a.error == b.error);
  if (a.error.empty()) {
    Check(a.rows == b.rows);
  } else {
    // Before an error each hands out the whole batches it completed.
    const auto& shorter = a.rows.size() < b.rows.size() ? a.rows : b.rows;
    const auto& longer = a.rows.size() < b.rows.size() ? b.rows : a.rows;
    Check(std::equal(shorter.begin(), shorter.end(), longer.begin()));
  }
  return 0;
}
