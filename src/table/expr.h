// Bound expressions of the scan executor and their vectorized evaluation
// (docs/query.md, "Types" and "Nulls").
//
// Binding turns a syntax tree (query_parser.h) into an Expr tree whose every
// node has a result DataType, inserting the implicit conversions (decimal
// rescaling, conversion to float64, date to timestamp) so evaluation never
// decides types per row. Constant subtrees are folded into literals. An
// ExprPool interns nodes by their canonical form, so a subexpression written
// twice (price * (1 - discount) in TPC-H Q1) is one node and is evaluated
// once per batch.
//
// Evaluation is column-at-a-time over a batch of n rows: every integer-like
// type (bool, int32, int64, decimal, date, timestamp) is computed as int64
// (decimals scaled, so their arithmetic is exact), float64 as double,
// booleans as int64 0/1. Nulls are a byte per row (1 = valid), absent when
// no row of the vector is null; a literal is a constant, never expanded.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "silt/status.h"
#include "silt/types.h"
#include "table/block_decoder.h"
#include "table/column_vector.h"
#include "table/query_parser.h"

namespace silt {

struct Expr {
  enum class Op : uint8_t {
    kSlot,     // an input vector (a column, or an aggregate's result)
    kLiteral,  // value (null if null_literal)
    kNegate,
    kAdd,
    kSub,
    kMul,
    kDiv,       // always float64; x / 0 is null
    kRescale,   // integer times factor (decimal scale alignment, date -> timestamp)
    kToDouble,  // integer / factor as float64
    kCompare,   // args[0] cmp args[1], both of the same representation
    kAnd,
    kOr,
    kNot,
    kBetween,  // args[0] between args[1] and args[2]
    kIn,       // args[0] in (args[1..])
    kIsNull,   // negated: is not null
  };
  Op op = Op::kLiteral;
  DataType type;
  size_t pos = 0;  // where it starts in the query (1-based), for errors
  int slot = -1;
  Value value;
  bool null_literal = false;
  int64_t lit_int = 0;  // the literal in the evaluator's representation
  double lit_double = 0;
  std::string lit_string;
  CompareOp cmp = CompareOp::kEq;
  bool negated = false;
  int64_t factor = 1;
  std::vector<const Expr*> args;
  int id = -1;      // index in its pool
  std::string key;  // canonical form, for interning

  bool is_literal() const { return op == Op::kLiteral; }
  // The representation the evaluator computes this node in.
  bool is_double() const { return type.id() == TypeId::kFloat64; }
  bool is_string() const { return type.id() == TypeId::kString; }
};

// Owns Expr nodes; identical nodes are created once.
class ExprPool {
 public:
  const Expr* Intern(Expr e);
  size_t size() const { return nodes_.size(); }

 private:
  std::vector<std::unique_ptr<Expr>> nodes_;
  std::unordered_map<std::string, const Expr*> by_key_;
};

// What names and aggregates mean where an expression is bound.
struct BindScope {
  // Resolves a column reference to (slot, type); errors name the column.
  std::function<Result<std::pair<int, DataType>>(const AstNode&)> column;
  // Resolves an aggregate call to (slot, type); null where aggregates are
  // not allowed (`context` names the clause in the error).
  std::function<Result<std::pair<int, DataType>>(const AstNode&)> aggregate;
  const char* context = "WHERE";
};

// True for count, sum, min, max, avg.
bool IsAggregateName(std::string_view name);

// Binds and type-checks; InvalidArgument("at N: ...") on errors.
Result<const Expr*> BindExpr(const AstNode& ast, const BindScope& scope, ExprPool* pool);

// One value of an evaluated vector.
struct Vec {
  const int64_t* ints = nullptr;
  const double* doubles = nullptr;
  const ColumnVector* strings = nullptr;  // string rows
  const std::string* str_const = nullptr;
  const uint8_t* valid = nullptr;  // nullptr: every row valid
  bool is_const = false;           // ints[0] / doubles[0] / str_const for every row
  bool const_null = false;         // a constant null
  bool IsValid(size_t i) const {
    return is_const ? !const_null : (valid == nullptr || valid[i] != 0);
  }
};

// Evaluates expressions over batches of input slots.
class Evaluator {
 public:
  explicit Evaluator(size_t pool_size) : cache_(pool_size), cached_(pool_size, 0) {}

  // Starts a batch of n rows whose slot s is inputs[s] (null where unused).
  // Only rows with active[i] != 0 (all if null) can raise errors (overflow):
  // rows that WHERE filtered out are computed but never reported.
  void Reset(size_t n, const std::vector<const ColumnVector*>* inputs,
             const uint8_t* active = nullptr);
  size_t rows() const { return n_; }

  // The vector of e for the current batch (cached per batch).
  Result<Vec> Eval(const Expr& e);
  // match[i] = 1 where e (a boolean) is true; 0 where false or null.
  Status EvalTrue(const Expr& e, uint8_t* match);

  // Scratch arrays of n elements, valid until the next Reset.
  int64_t* AllocInts();
  double* AllocDoubles();
  uint8_t* AllocBytes();

 private:
  Result<Vec> Compute(const Expr& e);
  Result<Vec> SlotVec(int slot);
  const uint8_t* CombineValid(const Vec& a, const Vec& b);

  bool Active(size_t i) const { return active_ == nullptr || active_[i] != 0; }

  size_t n_ = 0;
  const uint8_t* active_ = nullptr;
  const std::vector<const ColumnVector*>* inputs_ = nullptr;
  std::vector<Vec> cache_;
  std::vector<uint8_t> cached_;
  std::vector<std::unique_ptr<int64_t[]>> buffers_;
  size_t buffer_cap_ = 0;
  size_t next_buffer_ = 0;
};

// Evaluates a literal-only expression (for folding and for tests).
Result<Value> EvaluateConstant(const Expr& e);

// The bound form of a column reference to `slot` of `type`.
const Expr* SlotExpr(ExprPool* pool, int slot, const DataType& type, size_t pos);

}  // namespace silt
