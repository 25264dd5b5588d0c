#include "table/query_parser.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cstdlib>

namespace silt {

namespace {

enum class Tok : uint8_t { kEnd, kIdent, kQuotedIdent, kNumber, kString, kSymbol };

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;  // identifier / symbol as written; string literal unescaped
  size_t pos = 0;    // 1-based
};

bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

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

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Words that end an expression or a clause: they cannot be column names
// (quote them with "..." to use them as names).
constexpr std::string_view kReserved[] = {
    "select", "from", "where",   "group", "by",        "order",   "limit", "and",
    "or",     "not",  "between", "in",    "is",        "null",    "true",  "false",
    "as",     "asc",  "desc",    "date",  "timestamp", "interval"};

bool IsReserved(std::string_view word) {
  for (std::string_view r : kReserved) {
    if (EqualsIgnoreCase(word, r)) return true;
  }
  return false;
}

Status ErrorAt(size_t pos, std::string_view what) {
  return Status::InvalidArgument(fmt::format("at {}: {}", pos, what));
}

Result<std::vector<Token>> Lex(std::string_view sql) {
  std::vector<Token> out;
  size_t i = 0;
  while (true) {
    while (i < sql.size() && std::isspace(static_cast<unsigned char>(sql[i]))) ++i;
    // -- comments to the end of the line
    if (i + 1 < sql.size() && sql[i] == '-' && sql[i + 1] == '-') {
      while (i < sql.size() && sql[i] != '\n') ++i;
      continue;
    }
    Token t;
    t.pos = i + 1;
    if (i >= sql.size()) {
      t.kind = Tok::kEnd;
      out.push_back(std::move(t));
      return out;
    }
    const char c = sql[i];
    if (IsIdentStart(c)) {
      size_t j = i;
      while (j < sql.size() && IsIdentChar(sql[j])) ++j;
      t.kind = Tok::kIdent;
      t.text = std::string(sql.substr(i, j - i));
      i = j;
    } else if (std::isdigit(static_cast<unsigned char>(c)) ||
               (c == '.' && i + 1 < sql.size() &&
                std::isdigit(static_cast<unsigned char>(sql[i + 1])))) {
      size_t j = i;
      while (j < sql.size() && std::isdigit(static_cast<unsigned char>(sql[j]))) ++j;
      if (j < sql.size() && sql[j] == '.') {
        ++j;
        while (j < sql.size() && std::isdigit(static_cast<unsigned char>(sql[j]))) ++j;
      }
      if (j < sql.size() && (sql[j] == 'e' || sql[j] == 'E')) {
        size_t k = j + 1;
        if (k < sql.size() && (sql[k] == '+' || sql[k] == '-')) ++k;
        if (k < sql.size() && std::isdigit(static_cast<unsigned char>(sql[k]))) {
          while (k < sql.size() && std::isdigit(static_cast<unsigned char>(sql[k]))) ++k;
          j = k;
        }
      }
      if (j < sql.size() && IsIdentChar(sql[j])) {
        while (j < sql.size() && IsIdentChar(sql[j])) ++j;
        return ErrorAt(i + 1, fmt::format("malformed number '{}'", sql.substr(i, j - i)));
      }
      t.kind = Tok::kNumber;
      t.text = std::string(sql.substr(i, j - i));
      i = j;
    } else if (c == '\'' || c == '"') {
      size_t j = i + 1;
      std::string s;
      bool closed = false;
      while (j < sql.size()) {
        if (sql[j] == c) {
          if (j + 1 < sql.size() && sql[j + 1] == c) {
            s.push_back(c);
            j += 2;
            continue;
          }
          closed = true;
          ++j;
          break;
        }
        s.push_back(sql[j++]);
      }
      if (!closed) {
        return ErrorAt(
            i + 1, c == '\'' ? "unterminated string literal" : "unterminated quoted identifier");
      }
      if (c == '"' && s.empty()) return ErrorAt(i + 1, "empty quoted identifier");
      t.kind = c == '\'' ? Tok::kString : Tok::kQuotedIdent;
      t.text = std::move(s);
      i = j;
    } else {
      static constexpr std::string_view kTwo[] = {"<=", ">=", "<>", "!="};
      t.kind = Tok::kSymbol;
      bool two = false;
      for (std::string_view s : kTwo) {
        if (sql.substr(i, 2) == s) {
          t.text = std::string(s);
          i += 2;
          two = true;
          break;
        }
      }
      if (!two) {
        if (std::string_view("(),*+-/=<>;").find(c) == std::string_view::npos) {
          const unsigned char u = static_cast<unsigned char>(c);
          return ErrorAt(i + 1, std::isprint(u)
                                    ? fmt::format("unexpected character '{}'", c)
                                    : fmt::format("unexpected byte 0x{:02x}", static_cast<int>(u)));
        }
        t.text = std::string(1, c);
        ++i;
      }
    }
    out.push_back(std::move(t));
  }
}

class Parser {
 public:
  Parser(std::string_view sql, std::vector<Token> tokens) : sql_(sql), toks_(std::move(tokens)) {}

  Result<SelectStatement> Parse() {
    SelectStatement st;
    SILT_RETURN_IF_ERROR(ExpectKeyword("select"));
    do {
      SelectItem item;
      item.pos = Peek().pos;
      const size_t start = Peek().pos - 1;
      if (IsSymbol("*")) {
        Advance();
        item.star = true;
        item.text = "*";
      } else {
        SILT_ASSIGN_OR_RETURN(item.expr, ParseExpr());
        item.text = Trim(sql_.substr(start, Peek().pos - 1 - start));
        if (IsKeyword("as")) {
          Advance();
          SILT_ASSIGN_OR_RETURN(item.alias, ExpectName("an alias"));
        } else if (Peek().kind == Tok::kQuotedIdent ||
                   (Peek().kind == Tok::kIdent && !IsReserved(Peek().text))) {
          item.alias = Advance().text;
        }
      }
      st.items.push_back(std::move(item));
    } while (AcceptSymbol(","));
    if (IsKeyword("from")) {
      Advance();
      SILT_ASSIGN_OR_RETURN(st.from, ExpectName("a table name"));
    }
    if (IsKeyword("where")) {
      Advance();
      SILT_ASSIGN_OR_RETURN(st.where, ParseExpr());
    }
    if (IsKeyword("group")) {
      Advance();
      SILT_RETURN_IF_ERROR(ExpectKeyword("by"));
      do {
        SILT_ASSIGN_OR_RETURN(auto e, ParseExpr());
        st.group_by.push_back(std::move(e));
      } while (AcceptSymbol(","));
    }
    if (IsKeyword("order")) {
      Advance();
      SILT_RETURN_IF_ERROR(ExpectKeyword("by"));
      do {
        OrderItem o;
        SILT_ASSIGN_OR_RETURN(o.expr, ParseExpr());
        if (IsKeyword("desc")) {
          Advance();
          o.descending = true;
        } else if (IsKeyword("asc")) {
          Advance();
        }
        st.order_by.push_back(std::move(o));
      } while (AcceptSymbol(","));
    }
    if (IsKeyword("limit")) {
      Advance();
      const Token& t = Peek();
      uint64_t n = 0;
      if (t.kind != Tok::kNumber ||
          std::from_chars(t.text.data(), t.text.data() + t.text.size(), n).ptr !=
              t.text.data() + t.text.size()) {
        return Expected("a non-negative integer after LIMIT");
      }
      Advance();
      st.limit = n;
    }
    AcceptSymbol(";");
    if (Peek().kind != Tok::kEnd) return Expected("end of query");
    return st;
  }

 private:
  const Token& Peek(size_t ahead = 0) const {
    return toks_[std::min(pos_ + ahead, toks_.size() - 1)];
  }
  const Token& Advance() {
    const Token& t = toks_[pos_];
    if (pos_ + 1 < toks_.size()) ++pos_;
    return t;
  }
  bool IsKeyword(std::string_view kw, size_t ahead = 0) const {
    return Peek(ahead).kind == Tok::kIdent && EqualsIgnoreCase(Peek(ahead).text, kw);
  }
  bool IsSymbol(std::string_view s) const {
    return Peek().kind == Tok::kSymbol && Peek().text == s;
  }
  bool AcceptSymbol(std::string_view s) {
    if (!IsSymbol(s)) return false;
    Advance();
    return true;
  }

  std::string Near() const {
    const Token& t = Peek();
    switch (t.kind) {
      case Tok::kEnd:
        return "at end of query";
      case Tok::kString:
        return fmt::format("near '{}'",
                           sql_.substr(t.pos - 1, std::min<size_t>(t.text.size() + 2, 40)));
      case Tok::kQuotedIdent:
        return fmt::format("near '\"{}\"'", t.text.substr(0, 38));
      default:
        return fmt::format("near '{}'", t.text.substr(0, 40));
    }
  }
  Status Expected(std::string_view what) const {
    return ErrorAt(Peek().pos, fmt::format("expected {} {}", what, Near()));
  }
  Status ExpectKeyword(std::string_view kw) {
    if (!IsKeyword(kw)) return Expected(fmt::format("'{}'", ToUpper(kw)));
    Advance();
    return Status::OK();
  }
  Status ExpectSymbol(std::string_view s) {
    if (!AcceptSymbol(s)) return Expected(fmt::format("'{}'", s));
    return Status::OK();
  }
  Result<std::string> ExpectName(std::string_view what) {
    const Token& t = Peek();
    if (t.kind == Tok::kQuotedIdent || (t.kind == Tok::kIdent && !IsReserved(t.text))) {
      return Advance().text;
    }
    return Expected(what);
  }
  static std::string ToUpper(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
  }
  static std::string Trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    return std::string(s);
  }

  std::unique_ptr<AstNode> Node(AstNode::Kind kind, size_t pos) {
    auto n = std::make_unique<AstNode>();
    n->kind = kind;
    n->pos = pos;
    return n;
  }

  // Depth guard: every recursive entry point counts itself.
  struct DepthGuard {
    explicit DepthGuard(int* d) : d_(d) { ++*d_; }
    ~DepthGuard() { --*d_; }
    int* d_;
  };
  // Each operator of a chain (a + b + c ...) nests the tree one level deeper.
  struct ChainGuard {
    explicit ChainGuard(int* d) : d_(d) {}
    ~ChainGuard() { *d_ -= extra_; }
    void Add() {
      ++*d_;
      ++extra_;
    }
    int* d_;
    int extra_ = 0;
  };
  Status CheckDepth() const {
    if (depth_ > kMaxExpressionDepth) {
      return ErrorAt(Peek().pos, fmt::format("expression nested more than {} deep {}",
                                             kMaxExpressionDepth, Near()));
    }
    return Status::OK();
  }

  using NodeResult = Result<std::unique_ptr<AstNode>>;

  NodeResult ParseExpr() { return ParseOr(); }

  NodeResult ParseOr() {
    DepthGuard g(&depth_);
    SILT_RETURN_IF_ERROR(CheckDepth());
    SILT_ASSIGN_OR_RETURN(auto left, ParseAnd());
    ChainGuard chain(&depth_);
    while (IsKeyword("or")) {
      chain.Add();
      SILT_RETURN_IF_ERROR(CheckDepth());
      const size_t pos = Advance().pos;
      SILT_ASSIGN_OR_RETURN(auto right, ParseAnd());
      auto n = Node(AstNode::Kind::kOr, pos);
      n->children.push_back(std::move(left));
      n->children.push_back(std::move(right));
      left = std::move(n);
    }
    return left;
  }

  NodeResult ParseAnd() {
    SILT_ASSIGN_OR_RETURN(auto left, ParseNot());
    ChainGuard chain(&depth_);
    while (IsKeyword("and")) {
      chain.Add();
      SILT_RETURN_IF_ERROR(CheckDepth());
      const size_t pos = Advance().pos;
      SILT_ASSIGN_OR_RETURN(auto right, ParseNot());
      auto n = Node(AstNode::Kind::kAnd, pos);
      n->children.push_back(std::move(left));
      n->children.push_back(std::move(right));
      left = std::move(n);
    }
    return left;
  }

  NodeResult ParseNot() {
    DepthGuard g(&depth_);
    SILT_RETURN_IF_ERROR(CheckDepth());
    if (IsKeyword("not")) {
      const size_t pos = Advance().pos;
      SILT_ASSIGN_OR_RETURN(auto child, ParseNot());
      auto n = Node(AstNode::Kind::kNot, pos);
      n->children.push_back(std::move(child));
      return n;
    }
    return ParsePredicate();
  }

  NodeResult ParsePredicate() {
    SILT_ASSIGN_OR_RETURN(auto left, ParseAdditive());
    const Token& t = Peek();
    if (t.kind == Tok::kSymbol) {
      CompareOp op;
      bool is_cmp = true;
      if (t.text == "=") {
        op = CompareOp::kEq;
      } else if (t.text == "!=" || t.text == "<>") {
        op = CompareOp::kNe;
      } else if (t.text == "<") {
        op = CompareOp::kLt;
      } else if (t.text == "<=") {
        op = CompareOp::kLe;
      } else if (t.text == ">") {
        op = CompareOp::kGt;
      } else if (t.text == ">=") {
        op = CompareOp::kGe;
      } else {
        is_cmp = false;
      }
      if (is_cmp) {
        const size_t pos = Advance().pos;
        SILT_ASSIGN_OR_RETURN(auto right, ParseAdditive());
        auto n = Node(AstNode::Kind::kCompare, pos);
        n->op = op;
        n->children.push_back(std::move(left));
        n->children.push_back(std::move(right));
        return n;
      }
      return left;
    }
    bool negated = false;
    size_t pos = t.pos;
    if (IsKeyword("not") && (IsKeyword("between", 1) || IsKeyword("in", 1))) {
      Advance();
      negated = true;
    }
    if (IsKeyword("between")) {
      Advance();
      SILT_ASSIGN_OR_RETURN(auto lo, ParseAdditive());
      SILT_RETURN_IF_ERROR(ExpectKeyword("and"));
      SILT_ASSIGN_OR_RETURN(auto hi, ParseAdditive());
      auto n = Node(AstNode::Kind::kBetween, pos);
      n->negated = negated;
      n->children.push_back(std::move(left));
      n->children.push_back(std::move(lo));
      n->children.push_back(std::move(hi));
      return n;
    }
    if (IsKeyword("in")) {
      Advance();
      SILT_RETURN_IF_ERROR(ExpectSymbol("("));
      auto n = Node(AstNode::Kind::kIn, pos);
      n->negated = negated;
      n->children.push_back(std::move(left));
      do {
        SILT_ASSIGN_OR_RETURN(auto e, ParseAdditive());
        n->children.push_back(std::move(e));
      } while (AcceptSymbol(","));
      SILT_RETURN_IF_ERROR(ExpectSymbol(")"));
      return n;
    }
    if (IsKeyword("is")) {
      Advance();
      auto n = Node(AstNode::Kind::kIsNull, pos);
      if (IsKeyword("not")) {
        Advance();
        n->negated = true;
      }
      SILT_RETURN_IF_ERROR(ExpectKeyword("null"));
      n->children.push_back(std::move(left));
      return n;
    }
    return left;
  }

  NodeResult ParseAdditive() {
    SILT_ASSIGN_OR_RETURN(auto left, ParseMultiplicative());
    ChainGuard chain(&depth_);
    while (IsSymbol("+") || IsSymbol("-")) {
      chain.Add();
      SILT_RETURN_IF_ERROR(CheckDepth());
      const Token& t = Advance();
      auto n = Node(AstNode::Kind::kArith, t.pos);
      n->arith = t.text[0];
      SILT_ASSIGN_OR_RETURN(auto right, ParseMultiplicative());
      n->children.push_back(std::move(left));
      n->children.push_back(std::move(right));
      left = std::move(n);
    }
    return left;
  }

  NodeResult ParseMultiplicative() {
    SILT_ASSIGN_OR_RETURN(auto left, ParseUnary());
    ChainGuard chain(&depth_);
    while (IsSymbol("*") || IsSymbol("/")) {
      chain.Add();
      SILT_RETURN_IF_ERROR(CheckDepth());
      const Token& t = Advance();
      auto n = Node(AstNode::Kind::kArith, t.pos);
      n->arith = t.text[0];
      SILT_ASSIGN_OR_RETURN(auto right, ParseUnary());
      n->children.push_back(std::move(left));
      n->children.push_back(std::move(right));
      left = std::move(n);
    }
    return left;
  }

  NodeResult ParseUnary() {
    DepthGuard g(&depth_);
    SILT_RETURN_IF_ERROR(CheckDepth());
    if (IsSymbol("-") || IsSymbol("+")) {
      const Token& t = Advance();
      const bool minus = t.text == "-";
      const size_t pos = t.pos;
      // A minus directly before a number is part of the literal (so that
      // -9223372036854775808 parses).
      if (minus && Peek().kind == Tok::kNumber && Peek().pos == pos + 1) {
        SILT_ASSIGN_OR_RETURN(auto lit, ParseNumber(/*negative=*/true));
        lit->pos = pos;
        return lit;
      }
      SILT_ASSIGN_OR_RETURN(auto child, ParseUnary());
      if (!minus) return child;
      auto n = Node(AstNode::Kind::kNegate, pos);
      n->children.push_back(std::move(child));
      return n;
    }
    return ParsePrimary();
  }

  NodeResult ParseNumber(bool negative) {
    const Token& t = Advance();
    auto n = Node(AstNode::Kind::kLiteral, t.pos);
    const std::string text = (negative ? "-" : "") + t.text;
    const bool has_exp = t.text.find_first_of("eE") != std::string::npos;
    const size_t dot = t.text.find('.');
    if (!has_exp && dot == std::string::npos) {
      int64_t v = 0;
      auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || p != text.data() + text.size()) {
        return ErrorAt(t.pos, fmt::format("integer literal {} out of range", text));
      }
      n->literal = Value::Int(v);
      n->literal_type = DataType::Int64().NotNull();
      return n;
    }
    if (!has_exp) {
      // A decimal: exact if its digits fit 18; otherwise a float64.
      size_t digits = 0;
      for (char c : t.text) digits += std::isdigit(static_cast<unsigned char>(c)) ? 1 : 0;
      const int scale = static_cast<int>(t.text.size() - dot - 1);
      if (digits <= static_cast<size_t>(kMaxDecimalPrecision)) {
        auto v = ParseDecimal(text[0] == '.' ? "0" + text : text, kMaxDecimalPrecision, scale);
        if (!v.ok()) {
          // ".5" and "5." forms: normalise.
          std::string norm = text;
          if (norm.back() == '.') norm.pop_back();
          const size_t nd = norm.find('.');
          if (nd != std::string::npos &&
              (nd == 0 || !std::isdigit(static_cast<unsigned char>(norm[nd - 1])))) {
            norm.insert(nd, "0");
          }
          v = ParseDecimal(norm, kMaxDecimalPrecision, scale);
        }
        if (v.ok()) {
          n->literal = Value::Int(*v);
          n->literal_type = DataType::Decimal(kMaxDecimalPrecision, scale)->NotNull();
          return n;
        }
      }
    }
    n->literal = Value::Double(std::strtod(text.c_str(), nullptr));
    n->literal_type = DataType::Float64().NotNull();
    return n;
  }

  NodeResult ParseTypedString(std::string_view kw) {
    const size_t pos = Advance().pos;
    const Token& t = Peek();
    if (t.kind != Tok::kString) return Expected(fmt::format("a string after {}", kw));
    auto n = Node(AstNode::Kind::kLiteral, pos);
    if (kw == "DATE") {
      auto d = ParseDate(t.text);
      if (!d.ok()) return ErrorAt(t.pos, d.status().message());
      n->literal = Value::Int(*d);
      n->literal_type = DataType::Date().NotNull();
    } else {
      auto ts = ParseTimestamp(t.text);
      if (!ts.ok()) {
        return ErrorAt(t.pos, ts.status().message());
      }
      n->literal = Value::Int(*ts);
      n->literal_type = DataType::Timestamp().NotNull();
    }
    Advance();
    return n;
  }

  NodeResult ParseInterval() {
    const size_t pos = Advance().pos;
    const Token& t = Peek();
    auto n = Node(AstNode::Kind::kInterval, pos);
    std::string_view digits = t.text;
    if (t.kind == Tok::kString || t.kind == Tok::kNumber) {
      std::string_view s = digits;
      bool neg = false;
      if (!s.empty() && s[0] == '-') {
        neg = true;
        s.remove_prefix(1);
      }
      int64_t v = 0;
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (s.empty() || ec != std::errc() || p != s.data() + s.size() || v > 1000000) {
        return ErrorAt(t.pos, fmt::format("expected a whole number of days, months or years "
                                          "(at most 1000000) {}",
                                          Near()));
      }
      n->interval_count = neg ? -v : v;
    } else {
      return Expected("a quoted count after INTERVAL");
    }
    Advance();
    const Token& u = Peek();
    std::string unit = u.kind == Tok::kIdent ? Lower(u.text) : "";
    if (unit == "days") unit = "day";
    if (unit == "months") unit = "month";
    if (unit == "years") unit = "year";
    if (unit != "day" && unit != "month" && unit != "year") {
      return Expected("DAY, MONTH or YEAR");
    }
    n->text = unit;
    Advance();
    return n;
  }

  NodeResult ParsePrimary() {
    const Token& t = Peek();
    switch (t.kind) {
      case Tok::kNumber:
        return ParseNumber(false);
      case Tok::kString: {
        auto n = Node(AstNode::Kind::kLiteral, t.pos);
        n->literal = Value::String(t.text);
        n->literal_type = DataType::String().NotNull();
        Advance();
        return n;
      }
      case Tok::kQuotedIdent: {
        auto n = Node(AstNode::Kind::kColumn, t.pos);
        n->text = t.text;
        Advance();
        return n;
      }
      case Tok::kSymbol:
        if (t.text == "(") {
          Advance();
          SILT_ASSIGN_OR_RETURN(auto e, ParseExpr());
          SILT_RETURN_IF_ERROR(ExpectSymbol(")"));
          return e;
        }
        return Expected("an expression");
      case Tok::kEnd:
        return Expected("an expression");
      case Tok::kIdent:
        break;
    }
    if (IsKeyword("null") || IsKeyword("true") || IsKeyword("false")) {
      auto n = Node(AstNode::Kind::kLiteral, t.pos);
      if (IsKeyword("null")) {
        n->literal_null = true;
        n->literal_type = DataType::Int64();
      } else {
        n->literal = Value::Int(IsKeyword("true") ? 1 : 0);
        n->literal_type = DataType::Bool().NotNull();
      }
      Advance();
      return n;
    }
    if (IsKeyword("date") && Peek(1).kind == Tok::kString) return ParseTypedString("DATE");
    if (IsKeyword("timestamp") && Peek(1).kind == Tok::kString) {
      return ParseTypedString("TIMESTAMP");
    }
    if (IsKeyword("interval")) return ParseInterval();
    if (IsReserved(t.text)) return Expected("an expression");
    if (Peek(1).kind == Tok::kSymbol && Peek(1).text == "(") {
      auto n = Node(AstNode::Kind::kFunction, t.pos);
      n->text = Lower(t.text);
      Advance();
      Advance();
      if (IsSymbol("*")) {
        Advance();
        n->star = true;
      } else if (!IsSymbol(")")) {
        do {
          SILT_ASSIGN_OR_RETURN(auto e, ParseExpr());
          n->children.push_back(std::move(e));
        } while (AcceptSymbol(","));
      }
      SILT_RETURN_IF_ERROR(ExpectSymbol(")"));
      return n;
    }
    auto n = Node(AstNode::Kind::kColumn, t.pos);
    n->text = t.text;
    Advance();
    return n;
  }

  std::string_view sql_;
  std::vector<Token> toks_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

std::string AstToString(const AstNode& n) {
  switch (n.kind) {
    case AstNode::Kind::kColumn:
      return n.text;
    case AstNode::Kind::kLiteral: {
      if (n.literal_null) return "null";
      const TypeId id = n.literal_type.id();
      if (id == TypeId::kString) {
        std::string s = "'";
        for (char c : n.literal.string_value()) {
          if (c == '\'') s.push_back('\'');
          s.push_back(c);
        }
        return s + "'";
      }
      if (id == TypeId::kBool) return n.literal.int_value() ? "true" : "false";
      if (id == TypeId::kDate) return "date '" + n.literal.ToString(n.literal_type) + "'";
      if (id == TypeId::kTimestamp) {
        return "timestamp '" + n.literal.ToString(n.literal_type) + "'";
      }
      if (id == TypeId::kFloat64) return fmt::format("{}", n.literal.double_value());
      return n.literal.ToString(n.literal_type);
    }
    case AstNode::Kind::kInterval:
      return fmt::format("interval '{}' {}", n.interval_count, n.text);
    case AstNode::Kind::kNegate:
      return "(-" + AstToString(*n.children[0]) + ")";
    case AstNode::Kind::kArith:
      return "(" + AstToString(*n.children[0]) + " " + n.arith + " " + AstToString(*n.children[1]) +
             ")";
    case AstNode::Kind::kCompare:
      return "(" + AstToString(*n.children[0]) + " " + CompareOpName(n.op) + " " +
             AstToString(*n.children[1]) + ")";
    case AstNode::Kind::kAnd:
      return "(" + AstToString(*n.children[0]) + " and " + AstToString(*n.children[1]) + ")";
    case AstNode::Kind::kOr:
      return "(" + AstToString(*n.children[0]) + " or " + AstToString(*n.children[1]) + ")";
    case AstNode::Kind::kNot:
      return "(not " + AstToString(*n.children[0]) + ")";
    case AstNode::Kind::kBetween:
      return "(" + AstToString(*n.children[0]) + (n.negated ? " not" : "") + " between " +
             AstToString(*n.children[1]) + " and " + AstToString(*n.children[2]) + ")";
    case AstNode::Kind::kIn: {
      std::string s = "(" + AstToString(*n.children[0]) + (n.negated ? " not" : "") + " in (";
      for (size_t i = 1; i < n.children.size(); ++i) {
        if (i > 1) s += ", ";
        s += AstToString(*n.children[i]);
      }
      return s + "))";
    }
    case AstNode::Kind::kIsNull:
      return "(" + AstToString(*n.children[0]) + (n.negated ? " is not null)" : " is null)");
    case AstNode::Kind::kFunction: {
      std::string s = n.text + "(";
      if (n.star) s += "*";
      for (size_t i = 0; i < n.children.size(); ++i) {
        if (i > 0) s += ", ";
        s += AstToString(*n.children[i]);
      }
      return s + ")";
    }
  }
  return "?";
}

Result<SelectStatement> ParseQuery(std::string_view sql) {
  SILT_ASSIGN_OR_RETURN(auto tokens, Lex(sql));
  Parser p(sql, std::move(tokens));
  return p.Parse();
}

}  // namespace silt
