#include "node/row_filter.h"

#include <charconv>

#include <fmt/format.h>

#include "table/expr.h"
#include "table/query_parser.h"

namespace silt::node {
namespace {

constexpr std::string_view kPrefix = "SELECT * FROM t WHERE ";

// "at N: what" of the parser/binder, with N made relative to the WHERE text.
Status Relocate(const Status& s) {
  std::string_view m = s.message();
  if (m.starts_with("at ")) {
    size_t pos = 0;
    const char* begin = m.data() + 3;
    auto [end, ec] = std::from_chars(begin, m.data() + m.size(), pos);
    if (ec == std::errc() && pos > kPrefix.size()) {
      return Status::InvalidArgument(fmt::format("--where at {}{}", pos - kPrefix.size(),
                                                 std::string_view(end, m.data() + m.size() - end)));
    }
  }
  return Status::InvalidArgument(fmt::format("--where: {}", m));
}

}  // namespace

struct RowFilter::State {
  std::vector<ColumnDef> columns;
  SelectStatement statement;
  ExprPool pool;
  const Expr* expr = nullptr;
  std::vector<int> slot_of_column;  // -1 when not read
  std::unique_ptr<Evaluator> eval;
  std::vector<uint8_t> match;
};

RowFilter::RowFilter(std::unique_ptr<State> state) : state_(std::move(state)) {}
RowFilter::~RowFilter() = default;

Result<std::unique_ptr<RowFilter>> RowFilter::Make(std::string_view where,
                                                   std::vector<ColumnDef> columns) {
  auto st = std::make_unique<State>();
  st->columns = std::move(columns);
  const std::string sql = std::string(kPrefix) + std::string(where);
  auto parsed = ParseQuery(sql);
  if (!parsed.ok()) return Relocate(parsed.status());
  st->statement = std::move(*parsed);
  if (!st->statement.where || !st->statement.group_by.empty() || !st->statement.order_by.empty() ||
      st->statement.limit) {
    return Status::InvalidArgument("--where takes one expression (no GROUP BY, ORDER BY or LIMIT)");
  }
  std::vector<uint32_t> read;
  st->slot_of_column.assign(st->columns.size(), -1);
  State* s = st.get();
  BindScope scope;
  scope.column = [s, &read](const AstNode& n) -> Result<std::pair<int, DataType>> {
    int found = -1;
    for (size_t c = 0; c < s->columns.size() && found < 0; ++c) {
      if (s->columns[c].name == n.text) found = static_cast<int>(c);
    }
    for (size_t c = 0; c < s->columns.size() && found < 0; ++c) {
      const std::string& name = s->columns[c].name;
      if (name.size() == n.text.size() &&
          std::equal(name.begin(), name.end(), n.text.begin(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) ==
                   std::tolower(static_cast<unsigned char>(b));
          })) {
        found = static_cast<int>(c);
      }
    }
    if (found < 0) {
      return Status::InvalidArgument(fmt::format("at {}: unknown column '{}'", n.pos, n.text));
    }
    if (s->slot_of_column[found] < 0) {
      s->slot_of_column[found] = static_cast<int>(read.size());
      read.push_back(static_cast<uint32_t>(found));
    }
    return std::make_pair(s->slot_of_column[found], s->columns[found].type);
  };
  auto bound = BindExpr(*st->statement.where, scope, &st->pool);
  if (!bound.ok()) return Relocate(bound.status());
  st->expr = *bound;
  if (st->expr->type.id() != TypeId::kBool && !st->expr->null_literal) {
    return Status::InvalidArgument(fmt::format("--where needs a boolean expression, not {}",
                                               st->expr->type.WithNullable(true).ToString()));
  }
  st->eval = std::make_unique<Evaluator>(st->pool.size());
  auto filter = std::unique_ptr<RowFilter>(new RowFilter(std::move(st)));
  filter->columns_read_ = std::move(read);
  return filter;
}

Status RowFilter::MatchInputs(const std::vector<const ColumnVector*>& inputs, size_t n,
                              uint64_t first_row, const DeleteVector* skip, DeleteVector* matches) {
  State& s = *state_;
  for (size_t start = 0; start < n; start += ColumnVector::kBatchRows) {
    const size_t m = std::min(ColumnVector::kBatchRows, n - start);
    // The evaluator reads rows [0, m) of its inputs: give it slices.
    std::vector<ColumnVector> slices;
    std::vector<const ColumnVector*> slice_ptrs(inputs.size());
    const std::vector<const ColumnVector*>* use = &inputs;
    if (start > 0 || m < n) {
      slices.reserve(inputs.size());
      for (size_t i = 0; i < inputs.size(); ++i) {
        slices.emplace_back(inputs[i]->type());
        slices.back().AppendFrom(*inputs[i], start, m);
        slice_ptrs[i] = &slices.back();
      }
      use = &slice_ptrs;
    }
    s.eval->Reset(m, use, nullptr);
    s.match.assign(m, 0);
    if (s.expr->is_literal()) {
      if (!s.expr->null_literal && s.expr->lit_int != 0) s.match.assign(m, 1);
    } else {
      SILT_RETURN_IF_ERROR(s.eval->EvalTrue(*s.expr, s.match.data()));
    }
    for (size_t i = 0; i < m; ++i) {
      if (s.match[i] == 0) continue;
      const uint64_t row = first_row + start + i;
      if (skip != nullptr && skip->Contains(static_cast<uint32_t>(row))) continue;
      matches->Add(static_cast<uint32_t>(row));
    }
  }
  return Status::OK();
}

Status RowFilter::Match(const RowBatch& rows, uint64_t first_row, const DeleteVector* skip,
                        DeleteVector* matches) {
  std::vector<const ColumnVector*> inputs;
  for (uint32_t c : columns_read_) inputs.push_back(&rows.columns[c]);
  return MatchInputs(inputs, rows.rows, first_row, skip, matches);
}

Status RowFilter::MatchProjected(const RowBatch& rows, uint64_t first_row, const DeleteVector* skip,
                                 DeleteVector* matches) {
  std::vector<const ColumnVector*> inputs;
  for (const ColumnVector& c : rows.columns) inputs.push_back(&c);
  return MatchInputs(inputs, rows.rows, first_row, skip, matches);
}

}  // namespace silt::node
