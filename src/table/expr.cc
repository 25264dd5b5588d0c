#include "table/expr.h"

#include <fmt/format.h>

#include <cstring>
#include <limits>

namespace silt {

namespace {

constexpr int64_t kMicrosPerDay = 86400LL * 1000000LL;

Status ErrorAt(size_t pos, std::string_view what) {
  return Status::InvalidArgument(fmt::format("at {}: {}", pos, what));
}

bool IsIntLike(const DataType& t) {
  return t.id() == TypeId::kInt32 || t.id() == TypeId::kInt64 || t.id() == TypeId::kDecimal;
}
bool IsNumeric(const DataType& t) { return IsIntLike(t) || t.id() == TypeId::kFloat64; }
int ScaleOf(const DataType& t) { return t.id() == TypeId::kDecimal ? t.scale() : 0; }
DataType DecimalType(int scale) { return *DataType::Decimal(kMaxDecimalPrecision, scale); }

std::string TypeName(const DataType& t) { return t.WithNullable(true).ToString(); }

std::string ValueKey(const Expr& e) {
  if (e.null_literal) return "null";
  if (e.is_string()) return fmt::format("s{}:{}", e.lit_string.size(), e.lit_string);
  if (e.is_double()) {
    uint64_t bits;
    std::memcpy(&bits, &e.lit_double, 8);
    return fmt::format("d{:x}", bits);
  }
  return fmt::format("i{}", e.lit_int);
}

std::string MakeKey(const Expr& e) {
  std::string k =
      fmt::format("{}|{}|", static_cast<int>(e.op), e.type.WithNullable(true).ToString());
  switch (e.op) {
    case Expr::Op::kSlot:
      k += fmt::format("{}", e.slot);
      break;
    case Expr::Op::kLiteral:
      k += ValueKey(e);
      break;
    default:
      k += fmt::format("{}|{}|{}", static_cast<int>(e.cmp), e.negated ? 1 : 0, e.factor);
      for (const Expr* a : e.args) k += fmt::format(",{}", a->id);
      break;
  }
  return k;
}

Expr LiteralOf(const DataType& type, const Value& v, size_t pos) {
  Expr e;
  e.op = Expr::Op::kLiteral;
  e.type = type;
  e.pos = pos;
  e.value = v;
  e.null_literal = v.is_null();
  if (!v.is_null()) {
    if (v.is_int()) e.lit_int = v.int_value();
    if (v.is_double()) e.lit_double = v.double_value();
    if (v.is_string()) e.lit_string = v.string_value();
  }
  return e;
}

}  // namespace

bool IsAggregateName(std::string_view name) {
  return name == "count" || name == "sum" || name == "min" || name == "max" || name == "avg";
}

const Expr* ExprPool::Intern(Expr e) {
  e.key = MakeKey(e);
  auto it = by_key_.find(e.key);
  if (it != by_key_.end()) return it->second;
  e.id = static_cast<int>(nodes_.size());
  nodes_.push_back(std::make_unique<Expr>(std::move(e)));
  const Expr* p = nodes_.back().get();
  by_key_.emplace(p->key, p);
  return p;
}

const Expr* SlotExpr(ExprPool* pool, int slot, const DataType& type, size_t pos) {
  Expr e;
  e.op = Expr::Op::kSlot;
  e.slot = slot;
  e.type = type.WithNullable(true);
  e.pos = pos;
  return pool->Intern(std::move(e));
}

// ---------------------------------------------------------------- binding

namespace {

class Binder {
 public:
  Binder(const BindScope& scope, ExprPool* pool) : scope_(scope), pool_(pool) {}

  Result<const Expr*> Bind(const AstNode& n) {
    switch (n.kind) {
      case AstNode::Kind::kColumn: {
        SILT_ASSIGN_OR_RETURN(auto r, scope_.column(n));
        return SlotExpr(pool_, r.first, r.second, n.pos);
      }
      case AstNode::Kind::kLiteral:
        return pool_->Intern(LiteralOf(n.literal_type.WithNullable(true),
                                       n.literal_null ? Value() : n.literal, n.pos));
      case AstNode::Kind::kInterval:
        return ErrorAt(n.pos,
                       "an interval can only be added to or subtracted from a date or "
                       "timestamp");
      case AstNode::Kind::kNegate: {
        SILT_ASSIGN_OR_RETURN(const Expr* a, Bind(*n.children[0]));
        if (!IsNumeric(a->type) && !a->null_literal) {
          return ErrorAt(n.pos, fmt::format("cannot negate a {}", TypeName(a->type)));
        }
        return Make(Expr::Op::kNegate, a->type, n.pos, {a});
      }
      case AstNode::Kind::kArith:
        return BindArith(n);
      case AstNode::Kind::kCompare: {
        SILT_ASSIGN_OR_RETURN(const Expr* a, Bind(*n.children[0]));
        SILT_ASSIGN_OR_RETURN(const Expr* b, Bind(*n.children[1]));
        SILT_ASSIGN_OR_RETURN(DataType t, CommonType(a, b, n.pos, "compare"));
        SILT_ASSIGN_OR_RETURN(a, ConvertTo(a, t));
        SILT_ASSIGN_OR_RETURN(b, ConvertTo(b, t));
        Expr e = Base(Expr::Op::kCompare, DataType::Bool(), n.pos, {a, b});
        e.cmp = n.op;
        return Finish(std::move(e));
      }
      case AstNode::Kind::kAnd:
      case AstNode::Kind::kOr:
      case AstNode::Kind::kNot: {
        std::vector<const Expr*> args;
        for (const auto& c : n.children) {
          SILT_ASSIGN_OR_RETURN(const Expr* a, Bind(*c));
          SILT_ASSIGN_OR_RETURN(a, ExpectBool(a, c->pos));
          args.push_back(a);
        }
        const Expr::Op op = n.kind == AstNode::Kind::kAnd  ? Expr::Op::kAnd
                            : n.kind == AstNode::Kind::kOr ? Expr::Op::kOr
                                                           : Expr::Op::kNot;
        return Make(op, DataType::Bool(), n.pos, std::move(args));
      }
      case AstNode::Kind::kBetween:
      case AstNode::Kind::kIn: {
        std::vector<const Expr*> args;
        for (const auto& c : n.children) {
          SILT_ASSIGN_OR_RETURN(const Expr* a, Bind(*c));
          args.push_back(a);
        }
        DataType t = args[0]->type;
        const Expr* acc = args[0];
        for (size_t i = 1; i < args.size(); ++i) {
          SILT_ASSIGN_OR_RETURN(t, CommonType(acc, args[i], n.children[i]->pos, "compare"));
          // A typed stand-in for the accumulated type (only its type matters).
          if (!(acc->null_literal && args[i]->null_literal)) {
            acc = Typed(t, acc->null_literal ? args[i] : acc);
          }
        }
        for (auto& a : args) {
          SILT_ASSIGN_OR_RETURN(a, ConvertTo(a, t));
        }
        Expr e = Base(n.kind == AstNode::Kind::kIn ? Expr::Op::kIn : Expr::Op::kBetween,
                      DataType::Bool(), n.pos, std::move(args));
        SILT_ASSIGN_OR_RETURN(const Expr* r, Finish(std::move(e)));
        if (n.negated) return Make(Expr::Op::kNot, DataType::Bool(), n.pos, {r});
        return r;
      }
      case AstNode::Kind::kIsNull: {
        SILT_ASSIGN_OR_RETURN(const Expr* a, Bind(*n.children[0]));
        Expr e = Base(Expr::Op::kIsNull, DataType::Bool(), n.pos, {a});
        e.negated = n.negated;
        return Finish(std::move(e));
      }
      case AstNode::Kind::kFunction: {
        if (!IsAggregateName(n.text)) {
          return ErrorAt(n.pos, fmt::format("unknown function '{}'", n.text));
        }
        if (!scope_.aggregate) {
          return ErrorAt(
              n.pos, fmt::format("aggregate {}() is not allowed in {}", n.text, scope_.context));
        }
        SILT_ASSIGN_OR_RETURN(auto r, scope_.aggregate(n));
        return SlotExpr(pool_, r.first, r.second, n.pos);
      }
    }
    return ErrorAt(n.pos, "unsupported expression");
  }

 private:
  static Expr Base(Expr::Op op, DataType type, size_t pos, std::vector<const Expr*> args) {
    Expr e;
    e.op = op;
    e.type = type.WithNullable(true);
    e.pos = pos;
    e.args = std::move(args);
    return e;
  }
  Result<const Expr*> Make(Expr::Op op, DataType type, size_t pos, std::vector<const Expr*> args) {
    return Finish(Base(op, type, pos, std::move(args)));
  }
  // Folds a node whose arguments are all literals, then interns it.
  Result<const Expr*> Finish(Expr e) {
    bool constant = !e.args.empty();
    for (const Expr* a : e.args) constant = constant && a->is_literal();
    if (constant) {
      auto v = EvaluateConstant(e);
      if (!v.ok()) {
        if (v.status().message().rfind("at ", 0) == 0) return v.status();
        return ErrorAt(e.pos, v.status().message());
      }
      return pool_->Intern(LiteralOf(e.type, *v, e.pos));
    }
    return pool_->Intern(std::move(e));
  }
  // An expression of type `t` standing for `e` when only the type matters
  // (a non-null literal, so that CommonType sees the type).
  const Expr* Typed(const DataType& t, const Expr* e) {
    if (e->type.SameValues(t) && !e->null_literal) return e;
    const Value v = t.id() == TypeId::kString    ? Value::String("")
                    : t.id() == TypeId::kFloat64 ? Value::Double(0)
                                                 : Value::Int(0);
    return pool_->Intern(LiteralOf(t.WithNullable(true), v, e->pos));
  }

  Result<const Expr*> ExpectBool(const Expr* a, size_t pos) {
    if (a->null_literal) return pool_->Intern(LiteralOf(DataType::Bool(), Value(), a->pos));
    if (a->type.id() != TypeId::kBool) {
      return ErrorAt(pos, fmt::format("expected a boolean, not {}", TypeName(a->type)));
    }
    return a;
  }

  // The type two operands are compared (or added) in.
  Result<DataType> CommonType(const Expr* a, const Expr* b, size_t pos, std::string_view what) {
    if (a->null_literal && b->null_literal) return DataType::Int64();
    if (a->null_literal) return b->type;
    if (b->null_literal) return a->type;
    const DataType ta = a->type, tb = b->type;
    const TypeId ia = ta.id(), ib = tb.id();
    if (ta.SameValues(tb) && !IsIntLike(ta)) return ta;
    auto temporal = [](TypeId t) { return t == TypeId::kDate || t == TypeId::kTimestamp; };
    if (temporal(ia) && temporal(ib)) return ia == ib ? ta : DataType::Timestamp();
    if (temporal(ia) && ib == TypeId::kString && b->is_literal()) return ta;
    if (temporal(ib) && ia == TypeId::kString && a->is_literal()) return tb;
    if (IsNumeric(ta) && IsNumeric(tb)) {
      if (ia == TypeId::kFloat64 || ib == TypeId::kFloat64) return DataType::Float64();
      if (ia != TypeId::kDecimal && ib != TypeId::kDecimal) return DataType::Int64();
      return DecimalType(std::max(ScaleOf(ta), ScaleOf(tb)));
    }
    return ErrorAt(pos, fmt::format("cannot {} {} with {}", what, TypeName(ta), TypeName(tb)));
  }

  Result<const Expr*> ConvertTo(const Expr* e, const DataType& t) {
    const DataType& from = e->type;
    if (e->null_literal) return pool_->Intern(LiteralOf(t.WithNullable(true), Value(), e->pos));
    if (from.SameValues(t)) return e;
    if (from.id() == TypeId::kString && e->is_literal()) {
      if (t.id() == TypeId::kDate) {
        auto d = ParseDate(e->lit_string);
        if (!d.ok()) return ErrorAt(e->pos, fmt::format("'{}' is not a date", e->lit_string));
        return pool_->Intern(LiteralOf(DataType::Date(), Value::Int(*d), e->pos));
      }
      if (t.id() == TypeId::kTimestamp) {
        auto ts = ParseTimestamp(e->lit_string);
        if (!ts.ok()) {
          return ErrorAt(e->pos, fmt::format("'{}' is not a timestamp", e->lit_string));
        }
        return pool_->Intern(LiteralOf(DataType::Timestamp(), Value::Int(*ts), e->pos));
      }
    }
    if (from.id() == TypeId::kDate && t.id() == TypeId::kTimestamp) {
      Expr r = Base(Expr::Op::kRescale, t, e->pos, {e});
      r.factor = kMicrosPerDay;
      return Finish(std::move(r));
    }
    if (IsIntLike(from) && t.id() == TypeId::kFloat64) {
      Expr r = Base(Expr::Op::kToDouble, t, e->pos, {e});
      r.factor = Pow10(ScaleOf(from));
      return Finish(std::move(r));
    }
    if (IsIntLike(from) && IsIntLike(t)) {
      const int diff = ScaleOf(t) - ScaleOf(from);
      if (diff == 0) return e;  // int32 and int64 are both computed as int64
      if (diff < 0) {
        return ErrorAt(e->pos, fmt::format("cannot convert {} to {} without losing digits",
                                           TypeName(from), TypeName(t)));
      }
      Expr r = Base(Expr::Op::kRescale, t, e->pos, {e});
      r.factor = Pow10(diff);
      return Finish(std::move(r));
    }
    return ErrorAt(e->pos, fmt::format("cannot convert {} to {}", TypeName(from), TypeName(t)));
  }

  Result<const Expr*> BindArith(const AstNode& n) {
    const char op = n.arith;
    const AstNode& rhs = *n.children[1];
    SILT_ASSIGN_OR_RETURN(const Expr* a, Bind(*n.children[0]));
    if (rhs.kind == AstNode::Kind::kInterval) return BindInterval(n, a);
    SILT_ASSIGN_OR_RETURN(const Expr* b, Bind(rhs));
    const Expr::Op eop = op == '+'   ? Expr::Op::kAdd
                         : op == '-' ? Expr::Op::kSub
                         : op == '*' ? Expr::Op::kMul
                                     : Expr::Op::kDiv;
    if (a->null_literal && b->null_literal) {
      return pool_->Intern(LiteralOf(DataType::Int64(), Value(), n.pos));
    }
    // Dates: date +/- integer days, date - date = days.
    const TypeId ia = a->type.id(), ib = b->type.id();
    if ((ia == TypeId::kDate || ib == TypeId::kDate) && (op == '+' || op == '-')) {
      auto plain_int = [](const Expr* e) {
        return e->null_literal || e->type.id() == TypeId::kInt32 || e->type.id() == TypeId::kInt64;
      };
      if (ia == TypeId::kDate && ib == TypeId::kDate && op == '-') {
        return Make(eop, DataType::Int64(), n.pos, {a, b});
      }
      if (ia == TypeId::kDate && plain_int(b)) return Make(eop, DataType::Date(), n.pos, {a, b});
      if (ib == TypeId::kDate && plain_int(a) && op == '+') {
        return Make(eop, DataType::Date(), n.pos, {a, b});
      }
    }
    const DataType ta = a->null_literal ? b->type : a->type;
    const DataType tb = b->null_literal ? a->type : b->type;
    if (!IsNumeric(ta) || !IsNumeric(tb)) {
      return ErrorAt(n.pos,
                     fmt::format("cannot apply '{}' to {} and {}", op, TypeName(ta), TypeName(tb)));
    }
    if (op == '/') {
      SILT_ASSIGN_OR_RETURN(a, ConvertTo(a, DataType::Float64()));
      SILT_ASSIGN_OR_RETURN(b, ConvertTo(b, DataType::Float64()));
      return Make(eop, DataType::Float64(), n.pos, {a, b});
    }
    if (op == '*') {
      if (ta.id() == TypeId::kFloat64 || tb.id() == TypeId::kFloat64) {
        SILT_ASSIGN_OR_RETURN(a, ConvertTo(a, DataType::Float64()));
        SILT_ASSIGN_OR_RETURN(b, ConvertTo(b, DataType::Float64()));
        return Make(eop, DataType::Float64(), n.pos, {a, b});
      }
      const int scale = ScaleOf(ta) + ScaleOf(tb);
      if (scale > kMaxDecimalPrecision) {
        return ErrorAt(n.pos, fmt::format("the product of {} and {} has scale {}, more than {}",
                                          TypeName(ta), TypeName(tb), scale, kMaxDecimalPrecision));
      }
      if (a->null_literal) {
        SILT_ASSIGN_OR_RETURN(a, ConvertTo(a, tb));
      }
      if (b->null_literal) {
        SILT_ASSIGN_OR_RETURN(b, ConvertTo(b, ta));
      }
      const bool dec = ta.id() == TypeId::kDecimal || tb.id() == TypeId::kDecimal;
      return Make(eop, dec ? DecimalType(scale) : DataType::Int64(), n.pos, {a, b});
    }
    SILT_ASSIGN_OR_RETURN(DataType t, CommonType(a, b, n.pos, "add"));
    SILT_ASSIGN_OR_RETURN(a, ConvertTo(a, t));
    SILT_ASSIGN_OR_RETURN(b, ConvertTo(b, t));
    return Make(eop, t, n.pos, {a, b});
  }

  Result<const Expr*> BindInterval(const AstNode& n, const Expr* a) {
    const AstNode& iv = *n.children[1];
    if (n.arith != '+' && n.arith != '-') {
      return ErrorAt(iv.pos, "an interval can only be added or subtracted");
    }
    const TypeId t = a->type.id();
    if (t != TypeId::kDate && t != TypeId::kTimestamp) {
      return ErrorAt(iv.pos, fmt::format("cannot add an interval to a {}", TypeName(a->type)));
    }
    const int64_t count = n.arith == '-' ? -iv.interval_count : iv.interval_count;
    const Expr::Op op = Expr::Op::kAdd;
    if (iv.text == "day") {
      const int64_t delta = t == TypeId::kDate ? count : count * kMicrosPerDay;
      const Expr* lit = pool_->Intern(LiteralOf(DataType::Int64(), Value::Int(delta), iv.pos));
      return Make(op, a->type, n.pos, {a, lit});
    }
    if (!a->is_literal()) {
      return ErrorAt(iv.pos, "month and year intervals need a constant date or timestamp");
    }
    if (a->null_literal) return a;
    const int64_t months = iv.text == "month" ? count : count * 12;
    int64_t days = t == TypeId::kDate ? a->lit_int : a->lit_int / kMicrosPerDay;
    int64_t rem = t == TypeId::kDate ? 0 : a->lit_int - days * kMicrosPerDay;
    if (rem < 0) {
      rem += kMicrosPerDay;
      --days;
    }
    int y, m, d;
    CivilFromDays(static_cast<int32_t>(days), &y, &m, &d);
    int64_t total = static_cast<int64_t>(y) * 12 + (m - 1) + months;
    const int64_t ny = total >= 0 ? total / 12 : (total - 11) / 12;
    const int nm = static_cast<int>(total - ny * 12) + 1;
    if (ny < 0 || ny > 9999) return ErrorAt(iv.pos, "date out of range");
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (ny % 4 == 0 && ny % 100 != 0) || ny % 400 == 0;
    const int dim = nm == 2 && leap ? 29 : kDays[nm - 1];
    const int64_t nd = DaysFromCivil(static_cast<int>(ny), nm, std::min(d, dim));
    const int64_t v = t == TypeId::kDate ? nd : nd * kMicrosPerDay + rem;
    return pool_->Intern(LiteralOf(a->type, Value::Int(v), n.pos));
  }

  const BindScope& scope_;
  ExprPool* pool_;
};

}  // namespace

Result<const Expr*> BindExpr(const AstNode& ast, const BindScope& scope, ExprPool* pool) {
  Binder b(scope, pool);
  return b.Bind(ast);
}

// ------------------------------------------------------------- evaluation

void Evaluator::Reset(size_t n, const std::vector<const ColumnVector*>* inputs,
                      const uint8_t* active) {
  n_ = n;
  active_ = active;
  inputs_ = inputs;
  std::fill(cached_.begin(), cached_.end(), 0);
  next_buffer_ = 0;
  if (n > buffer_cap_) {
    buffers_.clear();
    buffer_cap_ = std::max<size_t>(n, ColumnVector::kBatchRows);
  }
}

int64_t* Evaluator::AllocInts() {
  if (buffer_cap_ == 0) buffer_cap_ = std::max<size_t>(n_, ColumnVector::kBatchRows);
  if (next_buffer_ == buffers_.size()) {
    buffers_.push_back(std::make_unique<int64_t[]>(buffer_cap_));
  }
  return buffers_[next_buffer_++].get();
}
double* Evaluator::AllocDoubles() { return reinterpret_cast<double*>(AllocInts()); }
uint8_t* Evaluator::AllocBytes() { return reinterpret_cast<uint8_t*>(AllocInts()); }

Result<Vec> Evaluator::Eval(const Expr& e) {
  if (e.id >= 0 && static_cast<size_t>(e.id) < cached_.size() && cached_[e.id]) {
    return cache_[e.id];
  }
  SILT_ASSIGN_OR_RETURN(Vec v, Compute(e));
  if (e.id >= 0 && static_cast<size_t>(e.id) < cached_.size()) {
    cache_[e.id] = v;
    cached_[e.id] = 1;
  }
  return v;
}

Result<Vec> Evaluator::SlotVec(int slot) {
  if (inputs_ == nullptr || slot < 0 || static_cast<size_t>(slot) >= inputs_->size() ||
      (*inputs_)[slot] == nullptr) {
    return Status::InvalidArgument(fmt::format("internal: slot {} has no input", slot));
  }
  const ColumnVector& c = *(*inputs_)[slot];
  Vec v;
  const size_t n = n_;
  switch (c.physical()) {
    case PhysicalType::kInt64:
      v.ints = c.values<int64_t>();
      break;
    case PhysicalType::kInt32: {
      int64_t* r = AllocInts();
      const int32_t* s = c.values<int32_t>();
      for (size_t i = 0; i < n; ++i) r[i] = s[i];
      v.ints = r;
      break;
    }
    case PhysicalType::kBool: {
      int64_t* r = AllocInts();
      const uint8_t* s = c.values<uint8_t>();
      for (size_t i = 0; i < n; ++i) r[i] = s[i];
      v.ints = r;
      break;
    }
    case PhysicalType::kFloat64:
      v.doubles = c.values<double>();
      break;
    case PhysicalType::kString:
      v.strings = &c;
      break;
  }
  if (c.has_nulls()) {
    uint8_t* valid = AllocBytes();
    const uint8_t* bits = c.validity();
    for (size_t i = 0; i < n; ++i) valid[i] = (bits[i >> 3] >> (i & 7)) & 1;
    v.valid = valid;
  }
  return v;
}

const uint8_t* Evaluator::CombineValid(const Vec& a, const Vec& b) {
  const bool a_all = a.is_const ? !a.const_null : a.valid == nullptr;
  const bool b_all = b.is_const ? !b.const_null : b.valid == nullptr;
  if (a_all && b_all) return nullptr;
  uint8_t* r = AllocBytes();
  for (size_t i = 0; i < n_; ++i) r[i] = a.IsValid(i) && b.IsValid(i);
  return r;
}

namespace {

template <bool AC, bool BC, typename F>
bool IntLoop(const int64_t* a, const int64_t* b, int64_t* r, size_t n, F f) {
  bool ovf = false;
  for (size_t i = 0; i < n; ++i) ovf |= f(a[AC ? 0 : i], b[BC ? 0 : i], &r[i]);
  return ovf;
}

template <typename F>
bool IntBinary(const Vec& a, const Vec& b, int64_t* r, size_t n, F f) {
  if (a.is_const && b.is_const) return IntLoop<true, true>(a.ints, b.ints, r, n, f);
  if (a.is_const) return IntLoop<true, false>(a.ints, b.ints, r, n, f);
  if (b.is_const) return IntLoop<false, true>(a.ints, b.ints, r, n, f);
  return IntLoop<false, false>(a.ints, b.ints, r, n, f);
}

template <typename F>
void DoubleBinary(const Vec& a, const Vec& b, double* r, size_t n, F f) {
  if (a.is_const && b.is_const) {
    for (size_t i = 0; i < n; ++i) r[i] = f(a.doubles[0], b.doubles[0]);
  } else if (a.is_const) {
    const double x = a.doubles[0];
    for (size_t i = 0; i < n; ++i) r[i] = f(x, b.doubles[i]);
  } else if (b.is_const) {
    const double y = b.doubles[0];
    for (size_t i = 0; i < n; ++i) r[i] = f(a.doubles[i], y);
  } else {
    for (size_t i = 0; i < n; ++i) r[i] = f(a.doubles[i], b.doubles[i]);
  }
}

// r[i] = (a OP b) for ints, with the op switched outside the loop.
template <typename T, typename GetA, typename GetB>
void CompareLoop(CompareOp op, size_t n, GetA ga, GetB gb, int64_t* r) {
  switch (op) {
    case CompareOp::kEq:
      for (size_t i = 0; i < n; ++i) r[i] = ga(i) == gb(i);
      break;
    case CompareOp::kNe:
      for (size_t i = 0; i < n; ++i) r[i] = ga(i) != gb(i);
      break;
    case CompareOp::kLt:
      for (size_t i = 0; i < n; ++i) r[i] = ga(i) < gb(i);
      break;
    case CompareOp::kLe:
      for (size_t i = 0; i < n; ++i) r[i] = ga(i) <= gb(i);
      break;
    case CompareOp::kGt:
      for (size_t i = 0; i < n; ++i) r[i] = ga(i) > gb(i);
      break;
    case CompareOp::kGe:
      for (size_t i = 0; i < n; ++i) r[i] = ga(i) >= gb(i);
      break;
  }
}

std::string_view StrAt(const Vec& v, size_t i) {
  return v.is_const ? std::string_view(*v.str_const) : v.strings->GetString(i);
}

Status Overflow(const Expr& e) {
  return Status::InvalidArgument(
      fmt::format("at {}: {} overflows the 64-bit integer range of {}", e.pos,
                  e.op == Expr::Op::kRescale ? "converting a value" : "arithmetic",
                  e.type.WithNullable(true).ToString()));
}

}  // namespace

Result<Vec> Evaluator::Compute(const Expr& e) {
  const size_t n = n_;
  Vec out;
  switch (e.op) {
    case Expr::Op::kSlot:
      return SlotVec(e.slot);
    case Expr::Op::kLiteral:
      out.is_const = true;
      out.const_null = e.null_literal;
      out.ints = &e.lit_int;
      out.doubles = &e.lit_double;
      out.str_const = &e.lit_string;
      return out;
    case Expr::Op::kNegate: {
      SILT_ASSIGN_OR_RETURN(Vec a, Eval(*e.args[0]));
      out.valid = a.is_const ? nullptr : a.valid;
      if (a.is_const && a.const_null) {
        out.is_const = out.const_null = true;
        return out;
      }
      if (e.is_double()) {
        double* r = AllocDoubles();
        for (size_t i = 0; i < n; ++i) r[i] = -a.doubles[a.is_const ? 0 : i];
        out.doubles = r;
      } else {
        int64_t* r = AllocInts();
        bool ovf = false;
        for (size_t i = 0; i < n; ++i)
          ovf |= __builtin_sub_overflow(0, a.ints[a.is_const ? 0 : i], &r[i]);
        if (ovf) {
          for (size_t i = 0; i < n; ++i) {
            if (Active(i) && a.IsValid(i) &&
                a.ints[a.is_const ? 0 : i] == std::numeric_limits<int64_t>::min()) {
              return Overflow(e);
            }
          }
        }
        out.ints = r;
      }
      return out;
    }
    case Expr::Op::kAdd:
    case Expr::Op::kSub:
    case Expr::Op::kMul:
    case Expr::Op::kDiv: {
      SILT_ASSIGN_OR_RETURN(Vec a, Eval(*e.args[0]));
      SILT_ASSIGN_OR_RETURN(Vec b, Eval(*e.args[1]));
      if ((a.is_const && a.const_null) || (b.is_const && b.const_null)) {
        out.is_const = out.const_null = true;
        return out;
      }
      out.valid = CombineValid(a, b);
      if (e.op == Expr::Op::kDiv) {
        double* r = AllocDoubles();
        DoubleBinary(a, b, r, n, [](double x, double y) { return y == 0 ? 0.0 : x / y; });
        // Division by zero is null.
        bool any_zero = false;
        if (b.is_const) {
          any_zero = b.doubles[0] == 0;
        } else {
          for (size_t i = 0; i < n; ++i) any_zero |= b.doubles[i] == 0;
        }
        if (any_zero) {
          uint8_t* v = AllocBytes();
          for (size_t i = 0; i < n; ++i) {
            v[i] = (out.valid == nullptr || out.valid[i]) && b.doubles[b.is_const ? 0 : i] != 0;
          }
          out.valid = v;
        }
        out.doubles = r;
        return out;
      }
      if (e.is_double()) {
        double* r = AllocDoubles();
        if (e.op == Expr::Op::kAdd)
          DoubleBinary(a, b, r, n, [](double x, double y) { return x + y; });
        if (e.op == Expr::Op::kSub)
          DoubleBinary(a, b, r, n, [](double x, double y) { return x - y; });
        if (e.op == Expr::Op::kMul)
          DoubleBinary(a, b, r, n, [](double x, double y) { return x * y; });
        out.doubles = r;
        return out;
      }
      int64_t* r = AllocInts();
      bool ovf = false;
      switch (e.op) {
        case Expr::Op::kAdd:
          ovf = IntBinary(a, b, r, n, [](int64_t x, int64_t y, int64_t* z) {
            return __builtin_add_overflow(x, y, z);
          });
          break;
        case Expr::Op::kSub:
          ovf = IntBinary(a, b, r, n, [](int64_t x, int64_t y, int64_t* z) {
            return __builtin_sub_overflow(x, y, z);
          });
          break;
        default:
          ovf = IntBinary(a, b, r, n, [](int64_t x, int64_t y, int64_t* z) {
            return __builtin_mul_overflow(x, y, z);
          });
          break;
      }
      if (ovf) {
        // Filler values of null rows may overflow harmlessly: only a valid row counts.
        for (size_t i = 0; i < n; ++i) {
          if ((out.valid != nullptr && !out.valid[i]) || !Active(i)) continue;
          int64_t z;
          const int64_t x = a.ints[a.is_const ? 0 : i], y = b.ints[b.is_const ? 0 : i];
          const bool o = e.op == Expr::Op::kAdd   ? __builtin_add_overflow(x, y, &z)
                         : e.op == Expr::Op::kSub ? __builtin_sub_overflow(x, y, &z)
                                                  : __builtin_mul_overflow(x, y, &z);
          if (o) return Overflow(e);
        }
      }
      if (e.type.id() == TypeId::kDate) {
        for (size_t i = 0; i < n; ++i) {
          if ((out.valid == nullptr || out.valid[i]) && Active(i) &&
              (r[i] < std::numeric_limits<int32_t>::min() ||
               r[i] > std::numeric_limits<int32_t>::max())) {
            return Status::InvalidArgument(fmt::format("at {}: date out of range", e.pos));
          }
        }
      }
      out.ints = r;
      return out;
    }
    case Expr::Op::kRescale: {
      SILT_ASSIGN_OR_RETURN(Vec a, Eval(*e.args[0]));
      if (a.is_const && a.const_null) return a;
      out.valid = a.is_const ? nullptr : a.valid;
      int64_t* r = AllocInts();
      const int64_t f = e.factor;
      bool ovf = false;
      const size_t m = a.is_const ? 1 : n;
      for (size_t i = 0; i < m; ++i) ovf |= __builtin_mul_overflow(a.ints[i], f, &r[i]);
      if (ovf) {
        for (size_t i = 0; i < m; ++i) {
          int64_t z;
          if (a.IsValid(i) && (a.is_const || Active(i)) &&
              __builtin_mul_overflow(a.ints[i], f, &z)) {
            return Overflow(e);
          }
        }
      }
      if (a.is_const) {
        out.is_const = true;
        for (size_t i = 1; i < n; ++i) r[i] = r[0];
      }
      out.ints = r;
      return out;
    }
    case Expr::Op::kToDouble: {
      SILT_ASSIGN_OR_RETURN(Vec a, Eval(*e.args[0]));
      if (a.is_const && a.const_null) return a;
      out.valid = a.is_const ? nullptr : a.valid;
      out.is_const = a.is_const;
      double* r = AllocDoubles();
      const size_t m = a.is_const ? 1 : n;
      const double f = static_cast<double>(e.factor);
      if (e.factor == 1) {
        for (size_t i = 0; i < m; ++i) r[i] = static_cast<double>(a.ints[i]);
      } else {
        for (size_t i = 0; i < m; ++i) r[i] = static_cast<double>(a.ints[i]) / f;
      }
      out.doubles = r;
      return out;
    }
    case Expr::Op::kCompare: {
      SILT_ASSIGN_OR_RETURN(Vec a, Eval(*e.args[0]));
      SILT_ASSIGN_OR_RETURN(Vec b, Eval(*e.args[1]));
      if ((a.is_const && a.const_null) || (b.is_const && b.const_null)) {
        out.is_const = out.const_null = true;
        return out;
      }
      out.valid = CombineValid(a, b);
      int64_t* r = AllocInts();
      const Expr& arg = *e.args[0];
      if (arg.is_string()) {
        CompareLoop<std::string_view>(
            e.cmp, n, [&](size_t i) { return StrAt(a, i); }, [&](size_t i) { return StrAt(b, i); },
            r);
      } else if (arg.is_double()) {
        const int64_t zero = 0;
        CompareLoop<int>(
            e.cmp, n,
            [&](size_t i) {
              return CompareDoubles(a.doubles[a.is_const ? 0 : i], b.doubles[b.is_const ? 0 : i]);
            },
            [&](size_t) { return static_cast<int>(zero); }, r);
      } else if (b.is_const) {
        const int64_t y = b.ints[0];
        const int64_t* x = a.ints;
        CompareLoop<int64_t>(
            e.cmp, n, [&](size_t i) { return x[i]; }, [&](size_t) { return y; }, r);
      } else {
        CompareLoop<int64_t>(
            e.cmp, n, [&](size_t i) { return a.ints[a.is_const ? 0 : i]; },
            [&](size_t i) { return b.ints[i]; }, r);
      }
      out.ints = r;
      return out;
    }
    case Expr::Op::kAnd:
    case Expr::Op::kOr: {
      SILT_ASSIGN_OR_RETURN(Vec a, Eval(*e.args[0]));
      SILT_ASSIGN_OR_RETURN(Vec b, Eval(*e.args[1]));
      int64_t* r = AllocInts();
      uint8_t* v = AllocBytes();
      const bool is_and = e.op == Expr::Op::kAnd;
      bool all_valid = true;
      for (size_t i = 0; i < n; ++i) {
        const bool va = a.IsValid(i), vb = b.IsValid(i);
        const bool xa = va && a.ints[a.is_const ? 0 : i] != 0;
        const bool xb = vb && b.ints[b.is_const ? 0 : i] != 0;
        if (is_and) {
          const bool f = (va && !xa) || (vb && !xb);
          v[i] = f || (va && vb);
          r[i] = !f && xa && xb;
        } else {
          const bool t = xa || xb;
          v[i] = t || (va && vb);
          r[i] = t;
        }
        all_valid &= v[i] != 0;
      }
      out.ints = r;
      out.valid = all_valid ? nullptr : v;
      return out;
    }
    case Expr::Op::kNot: {
      SILT_ASSIGN_OR_RETURN(Vec a, Eval(*e.args[0]));
      if (a.is_const && a.const_null) return a;
      int64_t* r = AllocInts();
      const size_t m = a.is_const ? 1 : n;
      for (size_t i = 0; i < m; ++i) r[i] = a.ints[i] == 0;
      out.ints = r;
      out.is_const = a.is_const;
      out.valid = a.is_const ? nullptr : a.valid;
      return out;
    }
    case Expr::Op::kBetween:
    case Expr::Op::kIn: {
      // Between: (x >= lo) and (x <= hi); In: x = l1 or x = l2 ...; both
      // with SQL's three-valued and/or.
      SILT_ASSIGN_OR_RETURN(Vec x, Eval(*e.args[0]));
      std::vector<Vec> others;
      for (size_t k = 1; k < e.args.size(); ++k) {
        SILT_ASSIGN_OR_RETURN(Vec o, Eval(*e.args[k]));
        others.push_back(o);
      }
      const Expr& arg = *e.args[0];
      int64_t* r = AllocInts();
      uint8_t* v = AllocBytes();
      bool all_valid = true;
      auto cmp = [&](const Vec& o, size_t i) -> int {
        if (arg.is_string()) {
          const auto s = StrAt(x, i), t = StrAt(o, i);
          return s < t ? -1 : s > t ? 1 : 0;
        }
        if (arg.is_double()) {
          return CompareDoubles(x.doubles[x.is_const ? 0 : i], o.doubles[o.is_const ? 0 : i]);
        }
        const int64_t p = x.ints[x.is_const ? 0 : i], q = o.ints[o.is_const ? 0 : i];
        return p < q ? -1 : p > q ? 1 : 0;
      };
      const bool between = e.op == Expr::Op::kBetween;
      for (size_t i = 0; i < n; ++i) {
        const bool vx = x.IsValid(i);
        bool result, valid;
        if (between) {
          const bool vl = others[0].IsValid(i), vh = others[1].IsValid(i);
          const bool c1v = vx && vl, c2v = vx && vh;
          const bool c1 = c1v && cmp(others[0], i) >= 0;
          const bool c2 = c2v && cmp(others[1], i) <= 0;
          const bool f = (c1v && !c1) || (c2v && !c2);
          valid = f || (c1v && c2v);
          result = !f && c1 && c2;
        } else {
          bool any_true = false, any_null = !vx;
          if (vx) {
            for (const Vec& o : others) {
              if (!o.IsValid(i)) {
                any_null = true;
              } else if (cmp(o, i) == 0) {
                any_true = true;
                break;
              }
            }
          }
          valid = any_true || !any_null;
          result = any_true;
        }
        r[i] = result;
        v[i] = valid;
        all_valid &= valid;
      }
      out.ints = r;
      out.valid = all_valid ? nullptr : v;
      return out;
    }
    case Expr::Op::kIsNull: {
      SILT_ASSIGN_OR_RETURN(Vec a, Eval(*e.args[0]));
      int64_t* r = AllocInts();
      for (size_t i = 0; i < n; ++i) r[i] = a.IsValid(i) == e.negated;
      out.ints = r;
      return out;
    }
  }
  return Status::InvalidArgument("internal: unknown expression");
}

Status Evaluator::EvalTrue(const Expr& e, uint8_t* match) {
  SILT_ASSIGN_OR_RETURN(Vec v, Eval(e));
  if (v.is_const) {
    std::memset(match, !v.const_null && v.ints[0] != 0, n_);
    return Status::OK();
  }
  if (v.valid == nullptr) {
    for (size_t i = 0; i < n_; ++i) match[i] = v.ints[i] != 0;
  } else {
    for (size_t i = 0; i < n_; ++i) match[i] = (v.ints[i] != 0) & v.valid[i];
  }
  return Status::OK();
}

Result<Value> EvaluateConstant(const Expr& e) {
  Evaluator ev(0);
  ev.Reset(1, nullptr);
  SILT_ASSIGN_OR_RETURN(Vec v, ev.Eval(e));
  if (!v.IsValid(0)) return Value();
  if (e.is_string()) return Value::String(std::string(StrAt(v, 0)));
  if (e.is_double()) return Value::Double(v.doubles[0]);
  return Value::Int(v.ints[0]);
}

}  // namespace silt
