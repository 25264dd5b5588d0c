#include "table/query.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <unordered_map>

#include "table/expr.h"
#include "table/packed_filter.h"
#include "table/query_parser.h"
#include "table/scan_block.h"

namespace silt {

namespace {

Status ErrorAt(size_t pos, std::string_view what) {
  return Status::InvalidArgument(fmt::format("at {}: {}", pos, what));
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

enum class AggKind : uint8_t { kCountStar, kCount, kSum, kMin, kMax, kAvg };

struct AggSpec {
  AggKind kind = AggKind::kCountStar;
  const Expr* arg = nullptr;  // row-level; null for count(*)
  DataType result;            // nominal result type
  std::string key;
};

// Everything binding decides before any block is read.
struct Plan {
  ExprPool pool;
  std::vector<ColumnDef> schema;
  // Row phase: slot s reads rowset column slot_columns[s].
  std::vector<uint32_t> slot_columns;
  std::vector<SimpleFilter> filters;
  std::vector<ZonePredicate> zone;
  std::vector<const Expr*> residual;
  bool never = false;  // WHERE is constant false or null
  // SELECT without FROM and without columns or aggregates: one row, as in SQL.
  bool single_row = false;
  // Aggregation.
  bool aggregate = false;
  bool grouped = false;
  std::vector<int> group_slots;
  std::vector<AggSpec> aggs;
  // Output.
  std::vector<std::string> names;
  std::vector<const AstNode*> items;     // aggregate queries: bound after aggregation
  std::vector<const Expr*> projections;  // other queries: row-level
  struct Order {
    size_t output;
    bool descending;
  };
  std::vector<Order> order;
  std::optional<uint64_t> limit;
  // Column ids needed by each stage.
  std::vector<int> residual_slots, value_slots;
};

// --------------------------------------------------------------- planning

class Planner {
 public:
  Planner(const SelectStatement& st, Plan* plan) : st_(st), plan_(plan) {}

  Status Build() {
    // SELECT * expands to every column.
    for (const SelectItem& item : st_.items) {
      if (item.star) {
        for (size_t c = 0; c < plan_->schema.size(); ++c) {
          auto node = std::make_unique<AstNode>();
          node->kind = AstNode::Kind::kColumn;
          node->pos = item.pos;
          node->text = plan_->schema[c].name;
          plan_->names.push_back(node->text);
          star_nodes_.push_back(std::move(node));
          item_asts_.push_back(star_nodes_.back().get());
        }
      } else {
        plan_->names.push_back(item.alias.empty() ? item.text : item.alias);
        item_asts_.push_back(item.expr.get());
      }
    }
    bool has_agg = false;
    for (const AstNode* a : item_asts_) has_agg |= ContainsAggregate(*a);
    plan_->grouped = !st_.group_by.empty();
    plan_->aggregate = has_agg || plan_->grouped;
    plan_->limit = st_.limit;

    if (st_.where) SILT_RETURN_IF_ERROR(PlanWhere(*st_.where));

    if (plan_->aggregate) {
      for (const auto& g : st_.group_by) {
        if (g->kind != AstNode::Kind::kColumn) {
          return ErrorAt(g->pos, "GROUP BY takes column names");
        }
        SILT_ASSIGN_OR_RETURN(auto r, ResolveColumn(*g));
        plan_->group_slots.push_back(r.first);
        group_names_.push_back(plan_->schema[plan_->slot_columns[r.first]].name);
      }
      plan_->items = item_asts_;
      // Bind once with nominal aggregate types: reports errors before the
      // scan and registers the aggregates.
      SILT_RETURN_IF_ERROR(CheckAggregateItems());
    } else {
      BindScope scope;
      scope.column = [this](const AstNode& n) { return ResolveColumn(n); };
      for (const AstNode* a : item_asts_) {
        SILT_ASSIGN_OR_RETURN(const Expr* e, BindExpr(*a, scope, &plan_->pool));
        plan_->projections.push_back(e);
        AddSlots(e, &plan_->value_slots);
      }
    }
    plan_->single_row = st_.from.empty() && !plan_->aggregate && plan_->slot_columns.empty();
    return PlanOrder();
  }

  // The post-aggregation scope: group keys are slots 0..k-1, aggregates
  // k..; `agg_types` are the aggregates' result types.
  BindScope PostScope(const std::vector<DataType>& key_types,
                      const std::vector<DataType>& agg_types, bool registering) {
    BindScope scope;
    scope.context = "an aggregate's argument";
    scope.column = [this, key_types](const AstNode& n) -> Result<std::pair<int, DataType>> {
      for (size_t k = 0; k < group_names_.size(); ++k) {
        if (n.text == group_names_[k] || EqualsIgnoreCase(n.text, group_names_[k])) {
          return std::make_pair(static_cast<int>(k), key_types[k]);
        }
      }
      SILT_RETURN_IF_ERROR(ResolveColumn(n).status());
      return ErrorAt(n.pos, fmt::format("column '{}' must appear in GROUP BY or be used in an "
                                        "aggregate function",
                                        n.text));
    };
    scope.aggregate = [this, key_types, agg_types,
                       registering](const AstNode& n) -> Result<std::pair<int, DataType>> {
      SILT_ASSIGN_OR_RETURN(size_t index, RegisterAggregate(n, registering));
      const DataType t = index < agg_types.size() ? agg_types[index] : plan_->aggs[index].result;
      return std::make_pair(static_cast<int>(key_types.size() + index), t);
    };
    return scope;
  }

  std::vector<DataType> KeyTypes() const {
    std::vector<DataType> t;
    for (int s : plan_->group_slots) t.push_back(plan_->schema[plan_->slot_columns[s]].type);
    return t;
  }

  Result<std::pair<int, DataType>> ResolveColumn(const AstNode& n) {
    int found = -1;
    for (size_t c = 0; c < plan_->schema.size(); ++c) {
      if (plan_->schema[c].name == n.text) {
        found = static_cast<int>(c);
        break;
      }
    }
    if (found < 0) {
      for (size_t c = 0; c < plan_->schema.size(); ++c) {
        if (EqualsIgnoreCase(plan_->schema[c].name, n.text)) {
          found = static_cast<int>(c);
          break;
        }
      }
    }
    if (found < 0) return ErrorAt(n.pos, fmt::format("unknown column '{}'", n.text));
    for (size_t s = 0; s < plan_->slot_columns.size(); ++s) {
      if (plan_->slot_columns[s] == static_cast<uint32_t>(found)) {
        return std::make_pair(static_cast<int>(s), plan_->schema[found].type);
      }
    }
    plan_->slot_columns.push_back(static_cast<uint32_t>(found));
    return std::make_pair(static_cast<int>(plan_->slot_columns.size() - 1),
                          plan_->schema[found].type);
  }

 private:
  static bool ContainsAggregate(const AstNode& n) {
    if (n.kind == AstNode::Kind::kFunction && IsAggregateName(n.text)) return true;
    for (const auto& c : n.children) {
      if (ContainsAggregate(*c)) return true;
    }
    return false;
  }

  static void AddSlots(const Expr* e, std::vector<int>* out) {
    if (e->op == Expr::Op::kSlot) {
      if (std::find(out->begin(), out->end(), e->slot) == out->end()) out->push_back(e->slot);
      return;
    }
    for (const Expr* a : e->args) AddSlots(a, out);
  }

  Status PlanWhere(const AstNode& where) {
    BindScope scope;
    scope.column = [this](const AstNode& n) { return ResolveColumn(n); };
    SILT_ASSIGN_OR_RETURN(const Expr* e, BindExpr(where, scope, &plan_->pool));
    if (e->type.id() != TypeId::kBool && !e->null_literal) {
      return ErrorAt(where.pos, fmt::format("WHERE needs a boolean expression, not {}",
                                            e->type.WithNullable(true).ToString()));
    }
    std::vector<const Expr*> conjuncts;
    SplitAnd(e, &conjuncts);
    for (const Expr* c : conjuncts) {
      if (c->is_literal()) {
        if (c->null_literal || c->lit_int == 0) plan_->never = true;
        continue;
      }
      std::optional<SimpleFilter> f = ToSimple(c);
      if (f) {
        plan_->zone.push_back(f->ToZonePredicate());
        if (f->kind == SimpleFilter::Kind::kNever) plan_->never = true;
        plan_->filters.push_back(std::move(*f));
      } else {
        plan_->residual.push_back(c);
        AddSlots(c, &plan_->residual_slots);
      }
    }
    MergeRanges();
    // Cheap filters first: comparisons on narrow columns before strings.
    std::stable_sort(plan_->filters.begin(), plan_->filters.end(),
                     [&](const SimpleFilter& a, const SimpleFilter& b) {
                       auto cost = [&](const SimpleFilter& f) {
                         return plan_->schema[f.column].type.id() == TypeId::kString ? 1 : 0;
                       };
                       return cost(a) < cost(b);
                     });
    return Status::OK();
  }

  // Range conjuncts on one integer column (x >= a and x < b) become one
  // BETWEEN, so the column is compared in one pass.
  void MergeRanges() {
    std::vector<SimpleFilter> out;
    std::vector<int> range_of(plan_->schema.size(), -1);
    constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
    for (SimpleFilter& f : plan_->filters) {
      const bool range_op = f.kind == SimpleFilter::Kind::kBetween ||
                            (f.kind == SimpleFilter::Kind::kCompare && f.op != CompareOp::kEq &&
                             f.op != CompareOp::kNe);
      if (!plan_->schema[f.column].type.is_integer() || !range_op) {
        out.push_back(std::move(f));
        continue;
      }
      int64_t lo = kMin, hi = kMax;
      bool empty = false;
      if (f.kind == SimpleFilter::Kind::kBetween) {
        lo = f.lo.int_value();
        hi = f.hi.int_value();
      } else {
        const int64_t v = f.lo.int_value();
        switch (f.op) {
          case CompareOp::kGe:
            lo = v;
            break;
          case CompareOp::kGt:
            empty = v == kMax;
            lo = empty ? v : v + 1;
            break;
          case CompareOp::kLe:
            hi = v;
            break;
          default:  // kLt
            empty = v == kMin;
            hi = empty ? v : v - 1;
            break;
        }
      }
      if (empty) {
        lo = kMax;
        hi = kMin;
      }
      if (range_of[f.column] < 0) {
        range_of[f.column] = static_cast<int>(out.size());
        SimpleFilter b;
        b.kind = SimpleFilter::Kind::kBetween;
        b.column = f.column;
        b.lo = Value::Int(lo);
        b.hi = Value::Int(hi);
        out.push_back(std::move(b));
      } else {
        SimpleFilter& b = out[range_of[f.column]];
        b.lo = Value::Int(std::max(b.lo.int_value(), lo));
        b.hi = Value::Int(std::min(b.hi.int_value(), hi));
      }
    }
    plan_->filters = std::move(out);
  }

  static void SplitAnd(const Expr* e, std::vector<const Expr*>* out) {
    if (e->op == Expr::Op::kAnd) {
      SplitAnd(e->args[0], out);
      SplitAnd(e->args[1], out);
    } else {
      out->push_back(e);
    }
  }

  static Value LiteralValue(const Expr* e) {
    if (e->null_literal) return Value();
    if (e->is_string()) return Value::String(e->lit_string);
    if (e->is_double()) return Value::Double(e->lit_double);
    return Value::Int(e->lit_int);
  }

  std::optional<SimpleFilter> ToSimple(const Expr* c) {
    SimpleFilter f;
    auto slot_column = [&](const Expr* e) -> std::optional<uint32_t> {
      if (e->op != Expr::Op::kSlot) return std::nullopt;
      return plan_->slot_columns[e->slot];
    };
    switch (c->op) {
      case Expr::Op::kCompare: {
        const Expr* a = c->args[0];
        const Expr* b = c->args[1];
        CompareOp op = c->cmp;
        if (a->is_literal() && !b->is_literal()) {
          std::swap(a, b);
          switch (op) {
            case CompareOp::kLt:
              op = CompareOp::kGt;
              break;
            case CompareOp::kLe:
              op = CompareOp::kGe;
              break;
            case CompareOp::kGt:
              op = CompareOp::kLt;
              break;
            case CompareOp::kGe:
              op = CompareOp::kLe;
              break;
            default:
              break;
          }
        }
        auto col = slot_column(a);
        if (!col || !b->is_literal()) return std::nullopt;
        f.column = *col;
        f.op = op;
        f.lo = LiteralValue(b);
        if (f.lo.is_null()) f.kind = SimpleFilter::Kind::kNever;
        return f;
      }
      case Expr::Op::kBetween: {
        auto col = slot_column(c->args[0]);
        if (!col || !c->args[1]->is_literal() || !c->args[2]->is_literal()) return std::nullopt;
        if (c->args[1]->null_literal || c->args[2]->null_literal) return std::nullopt;
        f.kind = SimpleFilter::Kind::kBetween;
        f.column = *col;
        f.lo = LiteralValue(c->args[1]);
        f.hi = LiteralValue(c->args[2]);
        return f;
      }
      case Expr::Op::kIn: {
        auto col = slot_column(c->args[0]);
        if (!col) return std::nullopt;
        f.kind = SimpleFilter::Kind::kIn;
        f.column = *col;
        for (size_t i = 1; i < c->args.size(); ++i) {
          if (!c->args[i]->is_literal()) return std::nullopt;
          // In WHERE only true rows count: a null in the list never makes a row true.
          if (c->args[i]->null_literal) continue;
          f.list.push_back(LiteralValue(c->args[i]));
        }
        if (f.list.empty()) f.kind = SimpleFilter::Kind::kNever;
        return f;
      }
      case Expr::Op::kIsNull: {
        auto col = slot_column(c->args[0]);
        if (!col) return std::nullopt;
        f.kind = c->negated ? SimpleFilter::Kind::kIsNotNull : SimpleFilter::Kind::kIsNull;
        f.column = *col;
        return f;
      }
      default:
        return std::nullopt;
    }
  }

  Result<size_t> RegisterAggregate(const AstNode& n, bool registering) {
    AggSpec spec;
    if (n.text == "count" && n.star) {
      spec.kind = AggKind::kCountStar;
      spec.result = DataType::Int64().NotNull();
      spec.key = "count(*)";
    } else {
      if (n.star) return ErrorAt(n.pos, fmt::format("{}(*) is not allowed; only count(*)", n.text));
      if (n.children.size() != 1) {
        return ErrorAt(n.pos, fmt::format("{}() takes one argument", n.text));
      }
      for (const auto& c : n.children) {
        if (ContainsAggregate(*c)) return ErrorAt(c->pos, "aggregates cannot be nested");
      }
      BindScope scope;
      scope.context = "an aggregate's argument";
      scope.column = [this](const AstNode& c) { return ResolveColumn(c); };
      SILT_ASSIGN_OR_RETURN(spec.arg, BindExpr(*n.children[0], scope, &plan_->pool));
      const DataType t = spec.arg->type;
      const TypeId id = t.id();
      const bool numeric = id == TypeId::kInt32 || id == TypeId::kInt64 || id == TypeId::kDecimal ||
                           id == TypeId::kFloat64;
      if (n.text == "count") {
        spec.kind = AggKind::kCount;
        spec.result = DataType::Int64().NotNull();
      } else if (n.text == "min" || n.text == "max") {
        spec.kind = n.text == "min" ? AggKind::kMin : AggKind::kMax;
        spec.result = t.WithNullable(true);
      } else {
        if (!numeric && !spec.arg->null_literal) {
          return ErrorAt(n.pos, fmt::format("{}() needs a numeric argument, not {}", n.text,
                                            t.WithNullable(true).ToString()));
        }
        if (n.text == "sum") {
          spec.kind = AggKind::kSum;
          spec.result = id == TypeId::kDecimal || id == TypeId::kFloat64 ? t.WithNullable(true)
                                                                         : DataType::Int64();
          if (id == TypeId::kDecimal)
            spec.result = *DataType::Decimal(kMaxDecimalPrecision, t.scale());
        } else {
          spec.kind = AggKind::kAvg;
          spec.result = DataType::Float64();
        }
      }
      spec.key = n.text + "|" + spec.arg->key;
    }
    for (size_t i = 0; i < plan_->aggs.size(); ++i) {
      if (plan_->aggs[i].key == spec.key) return i;
    }
    if (!registering) return ErrorAt(n.pos, "internal: aggregate not registered");
    plan_->aggs.push_back(std::move(spec));
    if (plan_->aggs.back().arg != nullptr) AddSlots(plan_->aggs.back().arg, &plan_->value_slots);
    return plan_->aggs.size() - 1;
  }

  Status CheckAggregateItems() {
    ExprPool scratch;
    BindScope scope = PostScope(KeyTypes(), {}, /*registering=*/true);
    for (const AstNode* a : item_asts_) {
      SILT_RETURN_IF_ERROR(BindExpr(*a, scope, &scratch).status());
    }
    return Status::OK();
  }

  Status PlanOrder() {
    for (const OrderItem& o : st_.order_by) {
      const AstNode& n = *o.expr;
      std::optional<size_t> out;
      if (n.kind == AstNode::Kind::kLiteral && n.literal_type.id() == TypeId::kInt64 &&
          !n.literal_null) {
        const int64_t k = n.literal.int_value();
        if (k < 1 || static_cast<size_t>(k) > plan_->names.size()) {
          return ErrorAt(
              n.pos, fmt::format("ORDER BY position {} is not in 1..{}", k, plan_->names.size()));
        }
        out = static_cast<size_t>(k - 1);
      }
      if (!out && n.kind == AstNode::Kind::kColumn) {
        for (size_t i = 0; i < plan_->names.size() && !out; ++i) {
          if (plan_->names[i] == n.text) out = i;
        }
        for (size_t i = 0; i < plan_->names.size() && !out; ++i) {
          if (EqualsIgnoreCase(plan_->names[i], n.text)) out = i;
        }
      }
      if (!out) {
        const std::string text = AstToString(n);
        for (size_t i = 0; i < item_asts_.size() && !out; ++i) {
          if (AstToString(*item_asts_[i]) == text) out = i;
        }
      }
      if (!out) {
        return ErrorAt(n.pos,
                       "ORDER BY must name an output column (by name, alias, position or "
                       "the same expression)");
      }
      plan_->order.push_back({*out, o.descending});
    }
    return Status::OK();
  }

  const SelectStatement& st_;
  Plan* plan_;
  std::vector<std::unique_ptr<AstNode>> star_nodes_;
  std::vector<const AstNode*> item_asts_;
  std::vector<std::string> group_names_;

 public:
  std::vector<std::unique_ptr<AstNode>>& star_nodes() { return star_nodes_; }
};

// ------------------------------------------------------------- aggregation

// A column's rows compared in silt's order, nulls first.
int CompareRows(const ColumnVector& c, size_t a, size_t b) {
  const bool na = c.IsNull(a), nb = c.IsNull(b);
  if (na || nb) return na == nb ? 0 : (na ? -1 : 1);
  switch (c.physical()) {
    case PhysicalType::kBool: {
      const int x = c.Get<uint8_t>(a), y = c.Get<uint8_t>(b);
      return x < y ? -1 : x > y;
    }
    case PhysicalType::kInt32: {
      const int32_t x = c.Get<int32_t>(a), y = c.Get<int32_t>(b);
      return x < y ? -1 : x > y;
    }
    case PhysicalType::kInt64: {
      const int64_t x = c.Get<int64_t>(a), y = c.Get<int64_t>(b);
      return x < y ? -1 : x > y;
    }
    case PhysicalType::kFloat64:
      return CompareDoubles(c.Get<double>(a), c.Get<double>(b));
    case PhysicalType::kString: {
      const auto x = c.GetString(a), y = c.GetString(b);
      return x < y ? -1 : x > y;
    }
  }
  return 0;
}

// Appends a key's bytes for the group hash table.
void AppendKeyBytes(const ColumnVector& c, size_t i, std::string* key) {
  if (c.IsNull(i)) {
    key->push_back('\0');
    return;
  }
  key->push_back('\1');
  switch (c.physical()) {
    case PhysicalType::kBool:
      key->push_back(static_cast<char>(c.Get<uint8_t>(i)));
      break;
    case PhysicalType::kInt32: {
      const int32_t v = c.Get<int32_t>(i);
      key->append(reinterpret_cast<const char*>(&v), 4);
      break;
    }
    case PhysicalType::kInt64: {
      const int64_t v = c.Get<int64_t>(i);
      key->append(reinterpret_cast<const char*>(&v), 8);
      break;
    }
    case PhysicalType::kFloat64: {
      const double v = c.Get<double>(i);
      key->append(reinterpret_cast<const char*>(&v), 8);
      break;
    }
    case PhysicalType::kString: {
      const std::string_view s = c.GetString(i);
      const uint32_t len = static_cast<uint32_t>(s.size());
      key->append(reinterpret_cast<const char*>(&len), 4);
      key->append(s);
      break;
    }
  }
}

// The groups seen so far: group g (1-based; 0 collects filtered rows) has
// its key in row g - 1 of `keys`.
struct GroupTable {
  std::vector<ColumnVector> keys;
  std::unordered_map<std::string, uint32_t> index;
  uint32_t count = 0;

  // The group of key row `row` of `cols` (one vector per key column).
  uint32_t FindOrAdd(const std::vector<const ColumnVector*>& cols, size_t row, std::string* buf) {
    buf->clear();
    for (const ColumnVector* c : cols) AppendKeyBytes(*c, row, buf);
    auto it = index.find(*buf);
    if (it != index.end()) return it->second;
    for (size_t k = 0; k < cols.size(); ++k) keys[k].AppendFrom(*cols[k], row, 1);
    index.emplace(*buf, ++count);
    return count;
  }
};

struct AggState {
  AggKind kind;
  bool is_double = false;
  bool is_string = false;
  std::vector<__int128> isum;
  std::vector<double> dsum;
  std::vector<int64_t> nulls;  // null inputs per group
  std::vector<int64_t> imin;
  std::vector<double> dmin;
  std::vector<std::string> smin;
  std::vector<uint8_t> has;

  void Resize(size_t groups) {
    nulls.resize(groups, 0);
    switch (kind) {
      case AggKind::kSum:
      case AggKind::kAvg:
        if (is_double) {
          dsum.resize(groups, 0);
        } else {
          isum.resize(groups, 0);
        }
        break;
      case AggKind::kMin:
      case AggKind::kMax:
        has.resize(groups, 0);
        if (is_string) {
          smin.resize(groups);
        } else if (is_double) {
          dmin.resize(groups, 0);
        } else {
          imin.resize(groups, 0);
        }
        break;
      default:
        break;
    }
  }
};

// Groups of a query with at most this many (plus the slot of filtered rows)
// are summed through int64 partials on the stack.
constexpr uint32_t kSmallGroupSlots = 64;

// sum[g[i]] += x[i] for i < n through four interleaved int64 partials per
// group (independent chains, so consecutive rows of one group do not wait
// on each other). False, with nothing added, if a partial overflowed.
bool SmallGroupSum(const uint32_t* g, const int64_t* x, size_t n, uint32_t slots, __int128* sum) {
  int64_t part[4][kSmallGroupSlots];
  for (auto& p : part) std::memset(p, 0, slots * sizeof(int64_t));
  bool ovf = false;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    ovf |= __builtin_add_overflow(part[0][g[i]], x[i], &part[0][g[i]]);
    ovf |= __builtin_add_overflow(part[1][g[i + 1]], x[i + 1], &part[1][g[i + 1]]);
    ovf |= __builtin_add_overflow(part[2][g[i + 2]], x[i + 2], &part[2][g[i + 2]]);
    ovf |= __builtin_add_overflow(part[3][g[i + 3]], x[i + 3], &part[3][g[i + 3]]);
  }
  for (; i < n; ++i) ovf |= __builtin_add_overflow(part[0][g[i]], x[i], &part[0][g[i]]);
  if (ovf) return false;
  for (uint32_t s = 0; s < slots; ++s) {
    sum[s] += static_cast<__int128>(part[0][s]) + part[1][s] + part[2][s] + part[3][s];
  }
  return true;
}

// count[g[i]] += 1 for i < n.
void CountGroups(const uint32_t* g, size_t n, size_t slots, int64_t* count) {
  if (slots > kSmallGroupSlots) {
    for (size_t i = 0; i < n; ++i) ++count[g[i]];
    return;
  }
  int64_t part[4][kSmallGroupSlots];
  for (auto& p : part) std::memset(p, 0, slots * sizeof(int64_t));
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    ++part[0][g[i]];
    ++part[1][g[i + 1]];
    ++part[2][g[i + 2]];
    ++part[3][g[i + 3]];
  }
  for (; i < n; ++i) ++part[0][g[i]];
  for (size_t s = 0; s < slots; ++s) count[s] += part[0][s] + part[1][s] + part[2][s] + part[3][s];
}

// --------------------------------------------------------------- execution

// A column the query reads, in the current block of a rowset (read through
// `reader`, decoded into `values`) or in an in-memory batch (`external`,
// always "decoded", with no reader or decoder: paths that want encoded data,
// dictionaries or DecodeSelected are not taken for it).
struct ColState {
  uint32_t column = 0;
  DataType type;
  std::unique_ptr<ColumnBlockReader> reader;
  std::optional<BlockDecoder> dec;
  bool decoded = false;
  ColumnVector values;
  const ColumnVector* external = nullptr;
  bool dict_read = false;
  DictionaryBlock dict{DataType()};

  // The decoded rows of the block.
  const ColumnVector& vec() const { return external != nullptr ? *external : values; }
};

class Executor {
 public:
  Executor(Plan* plan, Planner* planner) : plan_(plan), planner_(planner) {}

  Status Run(const std::vector<QuerySource>& sources, QueryResult* result);

 private:
  Status ScanRowSet(const RowSetReader& r, const DeleteVector* extra_deleted, QueryResult* result);
  Status ScanBatch(const RowBatch& batch, const DeleteVector* deleted, QueryResult* result);
  Status ProcessBlock(uint32_t k, size_t n, QueryResult* result);
  Status Open(ColState& s, uint32_t k) {
    if (s.dec) return Status::OK();
    SILT_ASSIGN_OR_RETURN(BlockDecoder d, s.reader->Open(k));
    s.dec.emplace(std::move(d));
    ++counters_.column_blocks_read;
    return Status::OK();
  }
  Status Decode(ColState& s, uint32_t k) {
    if (s.decoded) return Status::OK();
    SILT_RETURN_IF_ERROR(Open(s, k));
    s.values.Clear();
    SILT_RETURN_IF_ERROR(s.dec->DecodeTo(&s.values));
    s.decoded = true;
    return Status::OK();
  }
  Status ReadDict(ColState& s, uint32_t k) {
    if (s.dict_read) return Status::OK();
    SILT_RETURN_IF_ERROR(Open(s, k));
    s.dict.dictionary.Clear();
    s.dict.codes.clear();
    SILT_RETURN_IF_ERROR(s.dec->ReadDictionary(&s.dict));
    s.dict_read = true;
    return Status::OK();
  }
  ColState& StateOf(uint32_t column) { return states_[state_of_column_[column]]; }
  Status DecodeSlots(const std::vector<int>& slots, uint32_t k) {
    for (int s : slots) {
      ColState& st = StateOf(plan_->slot_columns[s]);
      SILT_RETURN_IF_ERROR(Decode(st, k));
      inputs_[s] = &st.vec();
    }
    return Status::OK();
  }
  Status ComputeGroups(uint32_t k, size_t n, const uint8_t* mask);
  Status UpdateAggregates(size_t n, const uint8_t* mask, size_t matched);
  Status AppendProjection(size_t n, const uint8_t* mask, QueryResult* result);
  Status FinishAggregates(QueryResult* result);
  void ApplyOrderAndLimit(QueryResult* result);

  Plan* plan_;
  Planner* planner_;
  ScanCounters counters_;
  std::vector<ColState> states_;
  std::vector<std::string> buffers_;  // per column id, kept across rowsets
  std::vector<int> state_of_column_;
  std::vector<const ColumnVector*> inputs_;
  std::unique_ptr<Evaluator> eval_;
  // The rows of the current block still in play: bits_ while the simple
  // filters run (packed_filter.h), then mask_ (a byte per row) for the
  // expressions and aggregates.
  std::vector<uint8_t> bits_;
  std::vector<uint8_t> mask_, tmp_, ones_;
  EncodedFilterScratch filter_scratch_;
  std::vector<uint32_t> sel_;
  std::vector<ColumnVector> compact_;
  // Aggregation state.
  GroupTable groups_;
  std::vector<uint32_t> gid_;
  std::vector<int64_t> group_rows_;
  std::vector<AggState> aggs_;
  std::vector<uint32_t> local_;  // dictionary-code combination -> group
  std::vector<uint32_t> combo_;  // per row: its dictionary-code combination
  std::string key_buf_;
  bool in_memory_ = false;  // the current source is a RowBatch
  bool done_ = false;       // LIMIT reached
  size_t output_rows_ = 0;
  uint64_t rows_matched_ = 0;
};

Status Executor::Run(const std::vector<QuerySource>& sources, QueryResult* result) {
  eval_ = std::make_unique<Evaluator>(plan_->pool.size());
  inputs_.assign(plan_->slot_columns.size(), nullptr);
  for (const AggSpec& spec : plan_->aggs) {
    AggState s;
    s.kind = spec.kind;
    if (spec.arg != nullptr) {
      s.is_double = spec.arg->is_double();
      s.is_string = spec.arg->is_string();
    }
    aggs_.push_back(std::move(s));
  }
  if (plan_->aggregate) {
    for (int s : plan_->group_slots) {
      groups_.keys.emplace_back(plan_->schema[plan_->slot_columns[s]].type.WithNullable(true));
    }
    if (!plan_->grouped) groups_.count = 1;  // one group, even for no rows
    group_rows_.assign(groups_.count + 1, 0);
    for (auto& a : aggs_) a.Resize(groups_.count + 1);
  } else {
    for (const Expr* e : plan_->projections)
      result->columns.emplace_back(e->type.WithNullable(true));
  }
  if (plan_->single_row) {
    if (!plan_->never && !(plan_->limit && *plan_->limit == 0)) {
      eval_->Reset(1, &inputs_, nullptr);
      SILT_RETURN_IF_ERROR(AppendProjection(1, nullptr, result));
    }
  } else if (!(plan_->limit && *plan_->limit == 0 && plan_->order.empty() && !plan_->aggregate)) {
    for (const QuerySource& src : sources) {
      if (done_) break;
      if (src.rowset != nullptr) {
        SILT_RETURN_IF_ERROR(ScanRowSet(*src.rowset, src.extra_deleted, result));
      } else {
        SILT_RETURN_IF_ERROR(ScanBatch(*src.batch, src.batch_deleted, result));
      }
    }
  }
  result->counters = counters_;
  result->rows_matched = rows_matched_;
  if (plan_->aggregate) {
    SILT_RETURN_IF_ERROR(FinishAggregates(result));
  } else {
    result->rows = result->columns.empty() ? output_rows_ : result->columns[0].size();
    if (result->columns.empty()) result->rows = 0;
  }
  ApplyOrderAndLimit(result);
  return Status::OK();
}

Status Executor::ScanRowSet(const RowSetReader& r, const DeleteVector* extra_deleted,
                            QueryResult* result) {
  in_memory_ = false;
  // The rows to skip: the reader's, plus the caller's (one union, so block
  // skipping and the row masks see both).
  std::optional<DeleteVector> merged;
  if (extra_deleted != nullptr && !extra_deleted->empty()) {
    merged.emplace(r.deleted());
    merged->UnionWith(*extra_deleted);
  }
  const DeleteVector& del = merged ? *merged : r.deleted();
  // Which blocks survive the zone maps and the delete vectors.
  std::vector<uint32_t> wanted;
  const auto& blocks0 = r.index(0).blocks;
  uint64_t skipped = 0;
  for (uint32_t k = 0; k < blocks0.size(); ++k) {
    bool skip = plan_->never;
    for (const auto& p : plan_->zone) {
      if (skip) break;
      if (!p.MayMatch(r.index(p.column).blocks[k].stats)) skip = true;
    }
    if (skip) {
      ++counters_.blocks_skipped_zone_map;
      ++skipped;
      continue;
    }
    const uint64_t first = blocks0[k].first_row;
    const uint32_t n = blocks0[k].stats.row_count;
    if (del.CountInRange(first, first + n) == n) {
      ++counters_.blocks_skipped_deleted;
      ++skipped;
      continue;
    }
    wanted.push_back(k);
  }
  // One state per column the query reads.
  states_.clear();
  state_of_column_.assign(r.columns().size(), -1);
  auto need = [&](uint32_t c) {
    if (state_of_column_[c] >= 0) return;
    state_of_column_[c] = static_cast<int>(states_.size());
    ColState s;
    s.column = c;
    s.type = r.columns()[c].type;
    s.values = ColumnVector(s.type);
    s.dict = DictionaryBlock(s.type.WithNullable(false));
    if (buffers_.size() <= c) buffers_.resize(c + 1);
    s.reader = std::make_unique<ColumnBlockReader>(&r, c, &wanted, &buffers_[c]);
    states_.push_back(std::move(s));
  };
  for (const auto& f : plan_->filters) need(f.column);
  for (uint32_t c : plan_->slot_columns) need(c);

  uint64_t read = 0;
  for (uint32_t k : wanted) {
    if (done_) break;
    const uint64_t first = blocks0[k].first_row;
    const uint32_t n = blocks0[k].stats.row_count;
    for (auto& s : states_) {
      s.dec.reset();
      s.decoded = false;
      s.dict_read = false;
    }
    std::fill(inputs_.begin(), inputs_.end(), nullptr);
    bits_.resize(RowBitmapBytes(n));
    const uint64_t deleted = del.CountInRange(first, first + n);
    if (deleted > 0) {
      mask_.assign(n, 1);
      del.ClearDeleted(first, n, mask_.data());
      std::memset(bits_.data(), 0, bits_.size());
      BytesToBits(mask_.data(), n, bits_.data());
    } else {
      SetRowBits(n, bits_.data());
    }
    ++counters_.blocks_read;
    ++read;
    counters_.rows_deleted += deleted;
    counters_.rows_returned += n - deleted;
    SILT_RETURN_IF_ERROR(ProcessBlock(k, n, result));
  }
  r.CountBlocks(read, skipped);
  return Status::OK();
}

// The batch is one "block" of batch.rows rows, processed in one piece (the
// evaluator's and the executor's buffers grow to fit): its vectors are the
// decoded columns, read in place.
Status Executor::ScanBatch(const RowBatch& batch, const DeleteVector* deleted,
                           QueryResult* result) {
  in_memory_ = true;
  const size_t n = batch.rows;
  if (n == 0 || plan_->never) return Status::OK();
  const uint64_t removed = deleted == nullptr ? 0 : deleted->CountInRange(0, n);
  counters_.rows_deleted += removed;
  counters_.rows_returned += n - removed;
  if (removed == n) return Status::OK();
  states_.clear();
  state_of_column_.assign(batch.columns.size(), -1);
  auto need = [&](uint32_t c) {
    if (state_of_column_[c] >= 0) return;
    state_of_column_[c] = static_cast<int>(states_.size());
    ColState s;
    s.column = c;
    s.type = batch.columns[c].type();
    s.external = &batch.columns[c];
    s.decoded = true;
    states_.push_back(std::move(s));
  };
  for (const auto& f : plan_->filters) need(f.column);
  for (uint32_t c : plan_->slot_columns) need(c);
  std::fill(inputs_.begin(), inputs_.end(), nullptr);
  bits_.resize(RowBitmapBytes(n));
  if (removed > 0) {
    mask_.assign(n, 1);
    deleted->ClearDeleted(0, n, mask_.data());
    std::memset(bits_.data(), 0, bits_.size());
    BytesToBits(mask_.data(), n, bits_.data());
  } else {
    SetRowBits(n, bits_.data());
  }
  return ProcessBlock(0, n, result);
}

// Appends rows sel[0..m) of src to *out (same type).
void Gather(const ColumnVector& src, const uint32_t* sel, size_t m, ColumnVector* out) {
  if (src.has_nulls() || src.physical() == PhysicalType::kString) {
    for (size_t j = 0; j < m; ++j) out->AppendFrom(src, sel[j], 1);
    return;
  }
  VisitPhysicalType(src.physical(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (!std::is_same_v<T, std::string_view>) {
      const T* v = src.values<T>();
      T* dst = out->AppendUninitialized<T>(m);
      for (size_t j = 0; j < m; ++j) dst[j] = v[sel[j]];
    }
  });
}

size_t CountSet(const uint8_t* m, size_t n) {
  size_t c = 0;
  for (size_t i = 0; i < n; ++i) c += m[i];
  return c;
}

Status Executor::ProcessBlock(uint32_t k, size_t n, QueryResult* result) {
  // bits_ holds the rows not deleted. The simple filters clear bits: on the
  // encoded values where they can (SimpleFilter::AndEncoded), else on the
  // decoded block through a byte mask.
  uint8_t* bits = bits_.data();
  for (const SimpleFilter& f : plan_->filters) {
    ColState& s = StateOf(f.column);
    bool done = false;
    if (!s.decoded) {
      SILT_RETURN_IF_ERROR(Open(s, k));
      SILT_ASSIGN_OR_RETURN(done, f.AndEncoded(*s.dec, &filter_scratch_, bits));
    }
    if (!done) {
      SILT_RETURN_IF_ERROR(Decode(s, k));
      mask_.resize(n);
      BitsToBytes(bits, n, mask_.data());
      f.Apply(s.vec(), mask_.data());
      BytesToBits(mask_.data(), n, bits);
    }
    if (!AnyBits(bits, n)) return Status::OK();
  }
  if (!plan_->residual.empty()) {
    SILT_RETURN_IF_ERROR(DecodeSlots(plan_->residual_slots, k));
    mask_.resize(n);
    BitsToBytes(bits, n, mask_.data());
    uint8_t* mask = mask_.data();
    eval_->Reset(n, &inputs_, mask);
    tmp_.resize(n);
    for (const Expr* e : plan_->residual) {
      SILT_RETURN_IF_ERROR(eval_->EvalTrue(*e, tmp_.data()));
      for (size_t i = 0; i < n; ++i) mask[i] &= tmp_[i];
    }
    BytesToBits(mask, n, bits);
  }
  const size_t matched = CountBits(bits, n);
  rows_matched_ += matched;
  if (matched == 0) return Status::OK();
  // Few rows left: decode (bit-packed: unpack) only those rows of the value
  // columns and compute over them alone.
  const bool few = matched * 4 <= n;
  uint8_t* mask = nullptr;
  if (!few || plan_->grouped) {
    mask_.resize(n);
    BitsToBytes(bits, n, mask_.data());
    mask = mask_.data();
  }
  if (plan_->aggregate) {
    if (few && !plan_->grouped) {
      group_rows_[1] += static_cast<int64_t>(matched);  // every row is in group 1
    } else {
      SILT_RETURN_IF_ERROR(ComputeGroups(k, n, mask));
    }
  }
  if (few) {
    sel_.resize(n);
    const size_t m = BitsToSelection(bits, n, sel_.data());
    sel_.resize(m);
    if (compact_.size() < inputs_.size()) compact_.resize(inputs_.size());
    for (int slot : plan_->value_slots) {
      ColState& st = StateOf(plan_->slot_columns[slot]);
      ColumnVector& out = compact_[slot];
      if (!(out.type() == st.type)) out = ColumnVector(st.type);
      out.Clear();
      if (st.decoded) {
        Gather(st.vec(), sel_.data(), matched, &out);
      } else {
        SILT_RETURN_IF_ERROR(Open(st, k));
        SILT_RETURN_IF_ERROR(st.dec->DecodeSelected(sel_.data(), matched, &out));
      }
      inputs_[slot] = &out;
    }
    if (plan_->aggregate) {
      if (plan_->grouped) {
        for (size_t j = 0; j < matched; ++j) gid_[j] = gid_[sel_[j]];
      } else {
        gid_.assign(matched, 1);
      }
    }
    ones_.assign(matched, 1);
    eval_->Reset(matched, &inputs_, ones_.data());
    if (plan_->aggregate) return UpdateAggregates(matched, ones_.data(), matched);
    return AppendProjection(matched, nullptr, result);
  }
  SILT_RETURN_IF_ERROR(DecodeSlots(plan_->value_slots, k));
  eval_->Reset(n, &inputs_, mask);
  if (plan_->aggregate) return UpdateAggregates(n, mask, matched);
  return AppendProjection(n, mask, result);
}

Status Executor::ComputeGroups(uint32_t k, size_t n, const uint8_t* mask) {
  gid_.resize(n);
  uint32_t* gid = gid_.data();
  if (!plan_->grouped) {
    for (size_t i = 0; i < n; ++i) gid[i] = mask[i];
    group_rows_[1] += static_cast<int64_t>(CountSet(mask, n));
    return Status::OK();
  }
  const uint32_t before = groups_.count;
  // Fast path: every key column is dictionary-encoded in this block, and
  // the combinations of codes (plus null) are few: map each combination to
  // its group once per block. (In-memory rows have no dictionaries.)
  bool fast = !in_memory_;
  size_t combos = 1;
  for (int s : plan_->group_slots) {
    if (!fast) break;
    ColState& st = StateOf(plan_->slot_columns[s]);
    SILT_RETURN_IF_ERROR(Open(st, k));
    if (st.dec->encoding() != Encoding::kDictionary) {
      fast = false;
      break;
    }
    SILT_RETURN_IF_ERROR(ReadDict(st, k));
    combos *= st.dict.dictionary.size() + 1;
    if (combos > 4096) {
      fast = false;
      break;
    }
  }
  std::vector<const ColumnVector*> cols;
  if (fast) {
    local_.assign(combos, 0);
    combo_.assign(n, 0);
    uint32_t* combo = combo_.data();
    size_t stride = 1;
    for (int s : plan_->group_slots) {
      ColState& st = StateOf(plan_->slot_columns[s]);
      const uint32_t* codes = st.dict.codes.data();
      const uint8_t* bits = st.dec->validity_bits();
      if (bits == nullptr) {
        for (size_t i = 0; i < n; ++i) combo[i] += static_cast<uint32_t>((codes[i] + 1) * stride);
      } else {
        for (size_t i = 0; i < n; ++i) {
          const uint32_t valid = (bits[i >> 3] >> (i & 7)) & 1;
          combo[i] += static_cast<uint32_t>(valid * (codes[i] + 1) * stride);
        }
      }
      stride *= st.dict.dictionary.size() + 1;
    }
    // Resolve each combination present among the matching rows.
    std::vector<ColumnVector> one;
    for (size_t i = 0; i < n; ++i) {
      if (!mask[i]) {
        gid[i] = 0;
        continue;
      }
      uint32_t& g = local_[combo[i]];
      if (g == 0) {
        if (one.empty()) {
          for (int s : plan_->group_slots) {
            one.emplace_back(plan_->schema[plan_->slot_columns[s]].type.WithNullable(true));
          }
        }
        cols.clear();
        size_t rest = combo[i];
        for (size_t j = 0; j < plan_->group_slots.size(); ++j) {
          ColState& st = StateOf(plan_->slot_columns[plan_->group_slots[j]]);
          const size_t d = st.dict.dictionary.size() + 1;
          const size_t code = rest % d;
          rest /= d;
          one[j].Clear();
          if (code == 0) {
            one[j].AppendNull();
          } else {
            one[j].AppendFrom(st.dict.dictionary, code - 1, 1);
          }
          cols.push_back(&one[j]);
        }
        g = groups_.FindOrAdd(cols, 0, &key_buf_);
      }
      gid[i] = g;
    }
  } else {
    for (int s : plan_->group_slots) {
      ColState& st = StateOf(plan_->slot_columns[s]);
      SILT_RETURN_IF_ERROR(Decode(st, k));
      cols.push_back(&st.vec());
    }
    for (size_t i = 0; i < n; ++i) {
      gid[i] = mask[i] ? groups_.FindOrAdd(cols, i, &key_buf_) : 0;
    }
  }
  if (groups_.count != before) {
    group_rows_.resize(groups_.count + 1, 0);
    for (auto& a : aggs_) a.Resize(groups_.count + 1);
  }
  CountGroups(gid, n, group_rows_.size(), group_rows_.data());
  return Status::OK();
}

Status Executor::UpdateAggregates(size_t n, const uint8_t* mask, size_t matched) {
  const uint32_t* gid = gid_.data();
  const bool single = !plan_->grouped;
  for (size_t a = 0; a < aggs_.size(); ++a) {
    AggState& st = aggs_[a];
    const AggSpec& spec = plan_->aggs[a];
    if (st.kind == AggKind::kCountStar) continue;
    SILT_ASSIGN_OR_RETURN(Vec v, eval_->Eval(*spec.arg));
    if (v.is_const && v.const_null) {
      for (size_t i = 0; i < n; ++i) ++st.nulls[gid[i]];
      continue;
    }
    if (v.is_const) {
      // Expand a constant (e.g. sum(1)) into a vector.
      if (st.is_string) {
        // min/max of a constant string: every group gets it.
        for (size_t i = 0; i < n; ++i) {
          if (!st.has[gid[i]]) {
            st.has[gid[i]] = 1;
            st.smin[gid[i]] = *v.str_const;
          }
        }
        continue;
      }
      if (st.is_double) {
        double* d = eval_->AllocDoubles();
        for (size_t i = 0; i < n; ++i) d[i] = v.doubles[0];
        v.doubles = d;
      } else {
        int64_t* d = eval_->AllocInts();
        for (size_t i = 0; i < n; ++i) d[i] = v.ints[0];
        v.ints = d;
      }
      v.is_const = false;
    }
    const uint8_t* valid = v.valid;
    if (valid != nullptr) {
      for (size_t i = 0; i < n; ++i) st.nulls[gid[i]] += valid[i] == 0;
    }
    switch (st.kind) {
      case AggKind::kCount:
        break;  // rows minus nulls
      case AggKind::kSum:
      case AggKind::kAvg:
        if (st.is_double) {
          const double* x = v.doubles;
          if (single) {
            double acc = 0;
            for (size_t i = 0; i < n; ++i) {
              if (mask[i] && (valid == nullptr || valid[i])) acc += x[i];
            }
            st.dsum[1] += acc;
          } else {
            double* sum = st.dsum.data();
            for (size_t i = 0; i < n; ++i) {
              if (valid == nullptr || valid[i]) sum[gid[i]] += x[i];
            }
          }
        } else {
          const int64_t* x = v.ints;
          if (single) {
            __int128 acc = 0;
            if (valid == nullptr) {
              for (size_t i = 0; i < n; ++i) acc += x[i] & -static_cast<int64_t>(mask[i]);
            } else {
              for (size_t i = 0; i < n; ++i) {
                acc += x[i] & -static_cast<int64_t>(mask[i] & valid[i]);
              }
            }
            st.isum[1] += acc;
          } else {
            __int128* sum = st.isum.data();
            const uint32_t slots = groups_.count + 1;
            if (valid == nullptr && slots <= kSmallGroupSlots &&
                SmallGroupSum(gid, x, n, slots, sum)) {
              // done
            } else if (valid == nullptr) {
              for (size_t i = 0; i < n; ++i) sum[gid[i]] += x[i];
            } else {
              for (size_t i = 0; i < n; ++i) sum[gid[i]] += x[i] & -static_cast<int64_t>(valid[i]);
            }
          }
        }
        break;
      case AggKind::kMin:
      case AggKind::kMax: {
        const bool is_min = st.kind == AggKind::kMin;
        for (size_t i = 0; i < n; ++i) {
          const uint32_t g = gid[i];
          if (g == 0 || (valid != nullptr && !valid[i])) continue;
          if (st.is_string) {
            const std::string_view s = v.strings->GetString(i);
            if (!st.has[g] || (is_min ? s < st.smin[g] : s > st.smin[g])) st.smin[g].assign(s);
          } else if (st.is_double) {
            const double x = v.doubles[i];
            const int c = st.has[g] ? CompareDoubles(x, st.dmin[g]) : 0;
            if (!st.has[g] || (is_min ? c < 0 : c > 0)) st.dmin[g] = x;
          } else {
            const int64_t x = v.ints[i];
            if (!st.has[g] || (is_min ? x < st.imin[g] : x > st.imin[g])) st.imin[g] = x;
          }
          st.has[g] = 1;
        }
        break;
      }
      case AggKind::kCountStar:
        break;
    }
  }
  (void)matched;
  return Status::OK();
}

// Appends rows i of v where mask[i] (all rows when mask is null), up to `max` rows.
void AppendVec(const Vec& v, size_t n, const uint8_t* mask, size_t max, ColumnVector* out) {
  size_t added = 0;
  for (size_t i = 0; i < n && added < max; ++i) {
    if (mask != nullptr && !mask[i]) continue;
    ++added;
    if (!v.IsValid(i)) {
      out->AppendNull();
      continue;
    }
    const size_t j = v.is_const ? 0 : i;
    switch (out->physical()) {
      case PhysicalType::kBool:
        out->Append<uint8_t>(v.ints[j] != 0);
        break;
      case PhysicalType::kInt32:
        out->Append<int32_t>(static_cast<int32_t>(v.ints[j]));
        break;
      case PhysicalType::kInt64:
        out->Append<int64_t>(v.ints[j]);
        break;
      case PhysicalType::kFloat64:
        out->Append<double>(v.doubles[j]);
        break;
      case PhysicalType::kString:
        out->AppendString(v.is_const ? std::string_view(*v.str_const) : v.strings->GetString(i));
        break;
    }
  }
}

Status Executor::AppendProjection(size_t n, const uint8_t* mask, QueryResult* result) {
  size_t max = std::numeric_limits<size_t>::max();
  if (plan_->limit && plan_->order.empty()) max = *plan_->limit - output_rows_;
  size_t added = 0;
  for (size_t c = 0; c < plan_->projections.size(); ++c) {
    SILT_ASSIGN_OR_RETURN(Vec v, eval_->Eval(*plan_->projections[c]));
    const size_t before = result->columns[c].size();
    AppendVec(v, n, mask, max, &result->columns[c]);
    added = result->columns[c].size() - before;
  }
  if (plan_->projections.empty()) added = std::min(max, mask ? CountSet(mask, n) : n);
  output_rows_ += added;
  if (plan_->limit && plan_->order.empty() && output_rows_ >= *plan_->limit) done_ = true;
  return Status::OK();
}

Status Executor::FinishAggregates(QueryResult* result) {
  const uint32_t groups = groups_.count;
  // Groups in ascending key order.
  std::vector<uint32_t> order(groups);
  for (uint32_t g = 0; g < groups; ++g) order[g] = g + 1;
  if (plan_->grouped) {
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      for (const ColumnVector& k : groups_.keys) {
        const int c = CompareRows(k, a - 1, b - 1);
        if (c != 0) return c < 0;
      }
      return false;
    });
  }
  // The post-aggregation inputs: keys, then aggregates, in group order.
  std::vector<ColumnVector> post;
  std::vector<DataType> key_types, agg_types;
  for (const ColumnVector& k : groups_.keys) {
    ColumnVector c(k.type());
    for (uint32_t g : order) c.AppendFrom(k, g - 1, 1);
    key_types.push_back(k.type());
    post.push_back(std::move(c));
  }
  for (size_t a = 0; a < aggs_.size(); ++a) {
    const AggState& st = aggs_[a];
    const AggSpec& spec = plan_->aggs[a];
    DataType type = spec.result;
    const int scale =
        spec.arg != nullptr && spec.arg->type.id() == TypeId::kDecimal ? spec.arg->type.scale() : 0;
    auto nonnull = [&](uint32_t g) { return group_rows_[g] - st.nulls[g]; };
    if (st.kind == AggKind::kSum && !st.is_double) {
      // Exact; a column whose sums do not all fit int64 becomes float64.
      for (uint32_t g : order) {
        if (st.isum[g] > std::numeric_limits<int64_t>::max() ||
            st.isum[g] < std::numeric_limits<int64_t>::min()) {
          type = DataType::Float64();
        }
      }
    }
    ColumnVector c(type.WithNullable(st.kind != AggKind::kCount && st.kind != AggKind::kCountStar));
    for (uint32_t g : order) {
      switch (st.kind) {
        case AggKind::kCountStar:
          c.AppendInt64(group_rows_[g]);
          break;
        case AggKind::kCount:
          c.AppendInt64(nonnull(g));
          break;
        case AggKind::kSum:
          if (nonnull(g) == 0) {
            c.AppendNull();
          } else if (st.is_double) {
            c.AppendDouble(st.dsum[g]);
          } else if (type.id() == TypeId::kFloat64) {
            c.AppendDouble(static_cast<double>(st.isum[g]) / static_cast<double>(Pow10(scale)));
          } else {
            c.AppendInt64(static_cast<int64_t>(st.isum[g]));
          }
          break;
        case AggKind::kAvg:
          if (nonnull(g) == 0) {
            c.AppendNull();
          } else if (st.is_double) {
            c.AppendDouble(st.dsum[g] / static_cast<double>(nonnull(g)));
          } else {
            c.AppendDouble(static_cast<double>(st.isum[g]) / static_cast<double>(nonnull(g)) /
                           static_cast<double>(Pow10(scale)));
          }
          break;
        case AggKind::kMin:
        case AggKind::kMax:
          if (!st.has[g]) {
            c.AppendNull();
          } else if (st.is_string) {
            c.AppendString(st.smin[g]);
          } else if (st.is_double) {
            c.AppendDouble(st.dmin[g]);
          } else if (c.physical() == PhysicalType::kInt32) {
            c.AppendInt32(static_cast<int32_t>(st.imin[g]));
          } else if (c.physical() == PhysicalType::kBool) {
            c.AppendBool(st.imin[g] != 0);
          } else {
            c.AppendInt64(st.imin[g]);
          }
          break;
      }
    }
    agg_types.push_back(c.type());
    post.push_back(std::move(c));
  }
  // Bind the select items over the aggregated rows, with the actual types.
  BindScope scope = planner_->PostScope(key_types, agg_types, /*registering=*/false);
  std::vector<const ColumnVector*> inputs;
  for (const ColumnVector& c : post) inputs.push_back(&c);
  std::vector<const Expr*> items;
  for (const AstNode* a : plan_->items) {
    SILT_ASSIGN_OR_RETURN(const Expr* e, BindExpr(*a, scope, &plan_->pool));
    items.push_back(e);
  }
  Evaluator ev(plan_->pool.size());
  ev.Reset(groups, &inputs, nullptr);
  for (const Expr* e : items) {
    SILT_ASSIGN_OR_RETURN(Vec v, ev.Eval(*e));
    ColumnVector out(e->type.WithNullable(true));
    AppendVec(v, groups, nullptr, groups, &out);
    result->columns.push_back(std::move(out));
  }
  result->rows = groups;
  return Status::OK();
}

void Executor::ApplyOrderAndLimit(QueryResult* result) {
  const size_t rows = result->rows;
  if (!plan_->order.empty() && rows > 1) {
    std::vector<uint32_t> idx(rows);
    for (size_t i = 0; i < rows; ++i) idx[i] = static_cast<uint32_t>(i);
    std::stable_sort(idx.begin(), idx.end(), [&](uint32_t a, uint32_t b) {
      for (const auto& o : plan_->order) {
        const int c = CompareRows(result->columns[o.output], a, b);
        if (c != 0) return o.descending ? c > 0 : c < 0;
      }
      return false;
    });
    const size_t keep = plan_->limit ? std::min<uint64_t>(*plan_->limit, rows) : rows;
    for (auto& c : result->columns) {
      ColumnVector sorted(c.type());
      for (size_t i = 0; i < keep; ++i) sorted.AppendFrom(c, idx[i], 1);
      c = std::move(sorted);
    }
    result->rows = keep;
    return;
  }
  if (plan_->limit && *plan_->limit < rows) {
    const size_t keep = *plan_->limit;
    for (auto& c : result->columns) {
      ColumnVector cut(c.type());
      cut.AppendFrom(c, 0, keep);
      c = std::move(cut);
    }
    result->rows = keep;
  }
}

}  // namespace

std::string FormatResultValue(const ColumnVector& column, size_t row) {
  if (column.IsNull(row)) return "NULL";
  const DataType& t = column.type();
  switch (t.id()) {
    case TypeId::kFloat64: {
      const double d = column.Get<double>(row);
      if (std::isnan(d)) return "NaN";
      if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
      return fmt::format("{}", d);
    }
    case TypeId::kString:
      return std::string(column.GetString(row));
    default:
      return column.GetValue(row).ToString(t);
  }
}

namespace {

// InvalidArgument unless `src` is one well-formed input with the table's columns.
Status CheckSource(const QuerySource& src, size_t index, const std::vector<ColumnDef>& schema) {
  if ((src.rowset == nullptr) == (src.batch == nullptr)) {
    return Status::InvalidArgument(
        fmt::format("query source {}: exactly one of rowset and batch must be set", index));
  }
  if (src.rowset != nullptr) {
    const auto& cols = src.rowset->columns();
    bool same = cols.size() == schema.size();
    for (size_t c = 0; same && c < cols.size(); ++c) {
      same = cols[c].name == schema[c].name && cols[c].type.SameValues(schema[c].type);
    }
    if (!same) {
      return Status::InvalidArgument(
          fmt::format("{}: its columns ({}) differ from the table's ({})", src.rowset->dir(),
                      ColumnDefsToString(cols), ColumnDefsToString(schema)));
    }
    return Status::OK();
  }
  const RowBatch& b = *src.batch;
  if (b.columns.size() != schema.size()) {
    return Status::InvalidArgument(
        fmt::format("query source {} (in memory): {} columns, the table has {} ({})", index,
                    b.columns.size(), schema.size(), ColumnDefsToString(schema)));
  }
  for (size_t c = 0; c < schema.size(); ++c) {
    const ColumnVector& v = b.columns[c];
    if (!v.type().SameValues(schema[c].type)) {
      return Status::InvalidArgument(
          fmt::format("query source {} (in memory): column {} '{}' is {}, the table's is {}", index,
                      c, schema[c].name, v.type().ToString(), schema[c].type.ToString()));
    }
    if (v.size() != b.rows) {
      return Status::InvalidArgument(
          fmt::format("query source {} (in memory): column {} '{}' has {} rows, not {}", index, c,
                      schema[c].name, v.size(), b.rows));
    }
  }
  return Status::OK();
}

}  // namespace

Result<QueryResult> RunQuery(std::string_view sql, const std::vector<ColumnDef>& schema,
                             const std::vector<QuerySource>& sources, const QueryOptions& options) {
  (void)options;
  SILT_ASSIGN_OR_RETURN(SelectStatement st, ParseQuery(sql));
  for (size_t i = 0; i < sources.size(); ++i) {
    SILT_RETURN_IF_ERROR(CheckSource(sources[i], i, schema));
  }
  Plan plan;
  plan.schema = schema;
  Planner planner(st, &plan);
  SILT_RETURN_IF_ERROR(planner.Build());
  QueryResult result;
  result.names = plan.names;
  Executor ex(&plan, &planner);
  SILT_RETURN_IF_ERROR(ex.Run(sources, &result));
  return result;
}

Result<QueryResult> RunQuery(std::string_view sql, const std::vector<const RowSetReader*>& rowsets,
                             const QueryOptions& options) {
  std::vector<ColumnDef> schema;
  if (!rowsets.empty()) {
    schema = rowsets[0]->columns();
    for (const RowSetReader* r : rowsets) {
      const auto& cols = r->columns();
      bool same = cols.size() == schema.size();
      for (size_t c = 0; same && c < cols.size(); ++c) {
        same = cols[c].name == schema[c].name && cols[c].type.SameValues(schema[c].type);
      }
      if (!same) {
        return Status::InvalidArgument(fmt::format("{}: its columns ({}) differ from {}'s ({})",
                                                   r->dir(), ColumnDefsToString(cols),
                                                   rowsets[0]->dir(), ColumnDefsToString(schema)));
      }
    }
  }
  std::vector<QuerySource> sources(rowsets.size());
  for (size_t i = 0; i < rowsets.size(); ++i) sources[i].rowset = rowsets[i];
  return RunQuery(sql, schema, sources, options);
}

}  // namespace silt
