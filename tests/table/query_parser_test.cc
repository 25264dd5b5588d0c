// The SQL subset's parser (src/table/query_parser.h): every construct, its
// normalised form, and every error with its position.
#include "table/query_parser.h"

#include <gtest/gtest.h>

#include <string>

#include "test_util.h"

namespace silt {
namespace {

// The normalised text of the first select item.
std::string Item(const std::string& sql, size_t i = 0) {
  auto r = ParseQuery(sql);
  EXPECT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
  if (!r.ok() || i >= r->items.size()) return "<error>";
  return r->items[i].star ? "*" : AstToString(*r->items[i].expr);
}

std::string Error(const std::string& sql) {
  auto r = ParseQuery(sql);
  EXPECT_FALSE(r.ok()) << sql;
  if (r.ok()) return "<parsed>";
  EXPECT_TRUE(r.status().IsInvalidArgument()) << r.status().ToString();
  return r.status().message();
}

TEST(QueryParserTest, Clauses) {
  ASSERT_OK_AND_ASSIGN(SelectStatement st,
                       ParseQuery("SeLeCt a AS x, b y, count(*), * FrOm lineitem WHERE a = 1 "
                                  "GROUP BY a, b ORDER BY x DESC, 2 asc, b LIMIT 10;"));
  ASSERT_EQ(st.items.size(), 4u);
  EXPECT_EQ(st.items[0].alias, "x");
  EXPECT_EQ(st.items[0].text, "a");
  EXPECT_EQ(st.items[0].pos, 8u);
  EXPECT_EQ(st.items[1].alias, "y");
  EXPECT_EQ(st.items[2].text, "count(*)");
  EXPECT_EQ(AstToString(*st.items[2].expr), "count(*)");
  EXPECT_TRUE(st.items[3].star);
  EXPECT_EQ(st.from, "lineitem");
  ASSERT_NE(st.where, nullptr);
  EXPECT_EQ(AstToString(*st.where), "(a = 1)");
  ASSERT_EQ(st.group_by.size(), 2u);
  EXPECT_EQ(AstToString(*st.group_by[1]), "b");
  ASSERT_EQ(st.order_by.size(), 3u);
  EXPECT_TRUE(st.order_by[0].descending);
  EXPECT_FALSE(st.order_by[1].descending);
  EXPECT_FALSE(st.order_by[2].descending);
  ASSERT_TRUE(st.limit.has_value());
  EXPECT_EQ(*st.limit, 10u);

  ASSERT_OK_AND_ASSIGN(SelectStatement bare, ParseQuery("select 1"));
  EXPECT_TRUE(bare.from.empty());
  EXPECT_EQ(bare.where, nullptr);
  EXPECT_FALSE(bare.limit.has_value());
}

TEST(QueryParserTest, ItemTextIsAsWritten) {
  ASSERT_OK_AND_ASSIGN(SelectStatement st, ParseQuery("select  (a+b)*c  ,  sum(x)  from t"));
  EXPECT_EQ(st.items[0].text, "(a+b)*c");
  EXPECT_EQ(st.items[1].text, "sum(x)");
  EXPECT_EQ(st.items[1].pos, 21u);
}

TEST(QueryParserTest, ArithmeticPrecedence) {
  EXPECT_EQ(Item("select a + b * c"), "(a + (b * c))");
  EXPECT_EQ(Item("select a - b - c"), "((a - b) - c)");
  EXPECT_EQ(Item("select a / b * c"), "((a / b) * c)");
  EXPECT_EQ(Item("select (a + b) * c"), "((a + b) * c)");
  EXPECT_EQ(Item("select -a * -(b)"), "((-a) * (-b))");
  EXPECT_EQ(Item("select +a"), "a");
  EXPECT_EQ(Item("select a-1"), "(a - 1)");
  EXPECT_EQ(Item("select price * (1 - disc) * (1 + tax)"), "((price * (1 - disc)) * (1 + tax))");
}

TEST(QueryParserTest, Predicates) {
  EXPECT_EQ(Item("select a = 1"), "(a = 1)");
  EXPECT_EQ(Item("select a <> 1"), "(a != 1)");
  EXPECT_EQ(Item("select a != 1"), "(a != 1)");
  EXPECT_EQ(Item("select a < 1"), "(a < 1)");
  EXPECT_EQ(Item("select a <= 1"), "(a <= 1)");
  EXPECT_EQ(Item("select a > 1"), "(a > 1)");
  EXPECT_EQ(Item("select a >= 1"), "(a >= 1)");
  EXPECT_EQ(Item("select a between 1 and 2 + 3"), "(a between 1 and (2 + 3))");
  EXPECT_EQ(Item("select a not between 1 and 2"), "(a not between 1 and 2)");
  EXPECT_EQ(Item("select a in (1, 2, 'x')"), "(a in (1, 2, 'x'))");
  EXPECT_EQ(Item("select a not in (3)"), "(a not in (3))");
  EXPECT_EQ(Item("select a is null"), "(a is null)");
  EXPECT_EQ(Item("select a IS NOT NULL"), "(a is not null)");
  EXPECT_EQ(Item("select not a = 1 or b = 2 and c = 3"),
            "((not (a = 1)) or ((b = 2) and (c = 3)))");
  EXPECT_EQ(Item("select (a or b) and not not c"), "((a or b) and (not (not c)))");
  EXPECT_EQ(Item("select a between 1 and 2 and b = 1"), "((a between 1 and 2) and (b = 1))");
}

TEST(QueryParserTest, Literals) {
  ASSERT_OK_AND_ASSIGN(SelectStatement st,
                       ParseQuery("select 42, 0.05, 'it''s', date '1994-01-01', "
                                  "timestamp '1994-01-01 10:00:00', true, false, null, 1e3, "
                                  "-9223372036854775808, .5, 123456789012345678901.5"));
  auto lit = [&](size_t i) -> const AstNode& { return *st.items[i].expr; };
  EXPECT_EQ(lit(0).literal, Value::Int(42));
  EXPECT_EQ(lit(0).literal_type.id(), TypeId::kInt64);
  EXPECT_EQ(lit(1).literal, Value::Int(5));
  EXPECT_EQ(lit(1).literal_type.id(), TypeId::kDecimal);
  EXPECT_EQ(lit(1).literal_type.scale(), 2);
  EXPECT_EQ(lit(2).literal, Value::String("it's"));
  EXPECT_EQ(AstToString(lit(2)), "'it''s'");
  EXPECT_EQ(lit(3).literal, Value::Int(8766));
  EXPECT_EQ(lit(3).literal_type.id(), TypeId::kDate);
  EXPECT_EQ(lit(4).literal, Value::Int(int64_t{8766} * 86400 * 1000000 + int64_t{36000} * 1000000));
  EXPECT_EQ(lit(4).literal_type.id(), TypeId::kTimestamp);
  EXPECT_EQ(lit(5).literal, Value::Int(1));
  EXPECT_EQ(lit(5).literal_type.id(), TypeId::kBool);
  EXPECT_EQ(lit(6).literal, Value::Int(0));
  EXPECT_TRUE(lit(7).literal_null);
  EXPECT_EQ(lit(8).literal, Value::Double(1000));
  EXPECT_EQ(lit(9).literal, Value::Int(std::numeric_limits<int64_t>::min()));
  EXPECT_EQ(lit(10).literal, Value::Int(5));
  EXPECT_EQ(lit(10).literal_type.scale(), 1);
  // More than 18 digits: a float64.
  EXPECT_EQ(lit(11).literal_type.id(), TypeId::kFloat64);
}

TEST(QueryParserTest, IntervalsAndFunctionsAndQuotedNames) {
  ASSERT_OK_AND_ASSIGN(SelectStatement st,
                       ParseQuery("select date '1994-01-01' + interval '1' year, "
                                  "d - INTERVAL '90' DAY, d + interval '2' months, "
                                  "SUM(x), Count(*), \"select\" from t"));
  const AstNode& iv = *st.items[0].expr->children[1];
  EXPECT_EQ(iv.kind, AstNode::Kind::kInterval);
  EXPECT_EQ(iv.interval_count, 1);
  EXPECT_EQ(iv.text, "year");
  EXPECT_EQ(st.items[1].expr->children[1]->text, "day");
  EXPECT_EQ(st.items[2].expr->children[1]->text, "month");
  EXPECT_EQ(st.items[3].expr->kind, AstNode::Kind::kFunction);
  EXPECT_EQ(st.items[3].expr->text, "sum");
  EXPECT_TRUE(st.items[4].expr->star);
  EXPECT_EQ(st.items[5].expr->kind, AstNode::Kind::kColumn);
  EXPECT_EQ(st.items[5].expr->text, "select");
}

TEST(QueryParserTest, CommentsAndWhitespace) {
  EXPECT_EQ(Item("select -- a comment\n a\t+\n1 -- trailing"), "(a + 1)");
}

TEST(QueryParserTest, ErrorsNameThePosition) {
  EXPECT_EQ(Error(""), "at 1: expected 'SELECT' at end of query");
  EXPECT_EQ(Error("selec a"), "at 1: expected 'SELECT' near 'selec'");
  EXPECT_EQ(Error("select"), "at 7: expected an expression at end of query");
  EXPECT_EQ(Error("select a from"), "at 14: expected a table name at end of query");
  EXPECT_EQ(Error("select sum(a from t"), "at 14: expected ')' near 'from'");
  EXPECT_EQ(Error("select a where"), "at 15: expected an expression at end of query");
  EXPECT_EQ(Error("select 'abc"), "at 8: unterminated string literal");
  EXPECT_EQ(Error("select \"abc"), "at 8: unterminated quoted identifier");
  EXPECT_EQ(Error("select \"\""), "at 8: empty quoted identifier");
  EXPECT_EQ(Error("select a b c"), "at 12: expected end of query near 'c'");
  EXPECT_EQ(Error("select date 'xx'"), "at 13: bad date 'xx': expected YYYY-MM-DD");
  EXPECT_NE(Error("select timestamp '1994-13-01 00:00:00'").find("at 18: "), std::string::npos);
  EXPECT_EQ(Error("select date"), "at 8: expected an expression near 'date'");
  EXPECT_EQ(Error("select 99999999999999999999"),
            "at 8: integer literal 99999999999999999999 out of range");
  EXPECT_EQ(Error("select a limit x"),
            "at 16: expected a non-negative integer after LIMIT near 'x'");
  EXPECT_EQ(Error("select a limit -1"),
            "at 16: expected a non-negative integer after LIMIT near '-'");
  EXPECT_EQ(Error("select a # b"), "at 10: unexpected character '#'");
  EXPECT_EQ(Error("select a \x01"), "at 10: unexpected byte 0x01");
  EXPECT_EQ(Error("select a between 1 2"), "at 20: expected 'AND' near '2'");
  EXPECT_EQ(Error("select a in 1"), "at 13: expected '(' near '1'");
  EXPECT_EQ(Error("select a in (1, 2"), "at 18: expected ')' at end of query");
  EXPECT_EQ(Error("select a is 1"), "at 13: expected 'NULL' near '1'");
  EXPECT_EQ(Error("select a is not"), "at 16: expected 'NULL' at end of query");
  EXPECT_EQ(Error("select 12abc"), "at 8: malformed number '12abc'");
  EXPECT_EQ(Error("select interval '1' week"), "at 21: expected DAY, MONTH or YEAR near 'week'");
  EXPECT_NE(Error("select interval 'x' day").find("at 17: expected a whole number"),
            std::string::npos);
  EXPECT_EQ(Error("select interval day"),
            "at 17: expected a quoted count after INTERVAL near 'day'");
  EXPECT_EQ(Error("select a order by"), "at 18: expected an expression at end of query");
  EXPECT_EQ(Error("select a group b"), "at 16: expected 'BY' near 'b'");
  EXPECT_EQ(Error("select a, from t"), "at 11: expected an expression near 'from'");
  EXPECT_EQ(Error("select (a + 1"), "at 14: expected ')' at end of query");
  EXPECT_EQ(Error("select a + "), "at 12: expected an expression at end of query");
  EXPECT_EQ(Error("select a as from"), "at 13: expected an alias near 'from'");
  EXPECT_EQ(Error("select a from where"), "at 15: expected a table name near 'where'");
  EXPECT_EQ(Error("select a = = 1"), "at 12: expected an expression near '='");
  EXPECT_EQ(Error("select * , ) from t"), "at 12: expected an expression near ')'");
  EXPECT_EQ(Error("select a; b"), "at 11: expected end of query near 'b'");
  EXPECT_EQ(Error("select 'x' 'y'"), "at 12: expected end of query near ''y''");
}

TEST(QueryParserTest, DeepNestingIsAnErrorNotACrash) {
  const std::string deep = "select " + std::string(5000, '(') + "1" + std::string(5000, ')');
  EXPECT_NE(Error(deep).find("nested more than 256 deep"), std::string::npos);
  const std::string nots = "select " + [] {
    std::string s;
    for (int i = 0; i < 5000; ++i) s += "not ";
    return s;
  }() + "a";
  EXPECT_NE(Error(nots).find("nested more than 256 deep"), std::string::npos);
  std::string minus = "select ";
  for (int i = 0; i < 5000; ++i) minus += "- ";  // "--" would be a comment
  minus += "a";
  EXPECT_NE(Error(minus).find("nested more than 256 deep"), std::string::npos);
  // A chain of operators nests too (the tree is as deep as the chain is long).
  std::string wide = "select 1";
  for (int i = 0; i < 200; ++i) wide += " + 1";
  EXPECT_TRUE(ParseQuery(wide).ok());
  for (int i = 0; i < 2000; ++i) wide += " * 1 and 1";
  EXPECT_NE(Error(wide).find("nested more than 256 deep"), std::string::npos);
  // Long lists are not nesting.
  std::string list = "select a in (1";
  for (int i = 0; i < 5000; ++i) list += ", 1";
  EXPECT_TRUE(ParseQuery(list + ")").ok());
}

}  // namespace
}  // namespace silt
