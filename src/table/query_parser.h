// The SQL subset of the scan executor (docs/query.md): a hand-written lexer
// and recursive-descent parser from query text to a syntax tree. Nothing here
// knows about rowsets or column types; binding names to columns and checking
// types is expr.h's job.
//
//   query := SELECT item {, item} [FROM name] [WHERE expr]
//            [GROUP BY expr {, expr}] [ORDER BY expr [ASC|DESC] {, ...}]
//            [LIMIT integer] [;]
//   item  := * | expr [[AS] name]
//
// Keywords are case-insensitive. Every node records the 1-based character
// position where it starts; errors are InvalidArgument("at N: what near
// 'token'") so a caller can put a caret under the offending character.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "silt/status.h"
#include "silt/types.h"
#include "table/block_decoder.h"

namespace silt {

// The deepest nesting of expressions the parser accepts (protects the stack).
constexpr int kMaxExpressionDepth = 256;

struct AstNode {
  enum class Kind : uint8_t {
    kColumn,    // text = name
    kLiteral,   // literal + literal_type (null: literal_type is meaningless)
    kInterval,  // INTERVAL 'n' unit: interval_count, text = DAY | MONTH | YEAR
    kNegate,    // -child
    kArith,     // children[0] arith children[1]; arith in + - * /
    kCompare,   // children[0] op children[1]
    kAnd,
    kOr,
    kNot,
    kBetween,   // children: value, low, high; negated for NOT BETWEEN
    kIn,        // children: value, list...; negated for NOT IN
    kIsNull,    // negated for IS NOT NULL
    kFunction,  // text = lower-case name; star for count(*); children = arguments
  };
  Kind kind = Kind::kLiteral;
  size_t pos = 0;  // 1-based character position in the query
  std::string text;
  Value literal;
  DataType literal_type;  // bool, int64, decimal(18,s), float64, string, date, timestamp
  bool literal_null = false;
  char arith = 0;
  CompareOp op = CompareOp::kEq;
  bool negated = false;
  bool star = false;
  int64_t interval_count = 0;
  std::vector<std::unique_ptr<AstNode>> children;
};

// The SQL text of a node, normalised (lower-case keywords, minimal spaces,
// full parentheses for nested operators): used to match GROUP BY expressions
// and to share common subexpressions.
std::string AstToString(const AstNode& node);

struct SelectItem {
  std::unique_ptr<AstNode> expr;  // null for *
  bool star = false;
  std::string alias;  // empty if none
  std::string text;   // the item's text as written (the output name without alias)
  size_t pos = 0;
};

struct OrderItem {
  std::unique_ptr<AstNode> expr;
  bool descending = false;
};

struct SelectStatement {
  std::vector<SelectItem> items;
  std::string from;  // accepted and ignored by RunQuery
  std::unique_ptr<AstNode> where;
  std::vector<std::unique_ptr<AstNode>> group_by;
  std::vector<OrderItem> order_by;
  std::optional<uint64_t> limit;
};

// InvalidArgument("at N: ...") on any syntax error.
Result<SelectStatement> ParseQuery(std::string_view sql);

}  // namespace silt
