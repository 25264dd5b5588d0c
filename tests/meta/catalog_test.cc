// The catalog: every RootCatalog / SchemaCatalog / TableCatalog operation,
// name collisions, unknown ids and names, drop-then-create, ids never reused,
// and snapshots that later writes do not change.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "meta/version_edit.h"
#include "silt/catalog.h"
#include "test_util.h"

namespace silt {
namespace {

std::vector<ColumnDef> Columns(std::string_view text) {
  auto r = ParseColumnDefs(text);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.value_or({});
}

void ExpectError(const Status& s, Status::Code code, std::string_view mentions) {
  EXPECT_EQ(s.code(), code) << s.ToString();
  EXPECT_NE(s.message().find(mentions), std::string::npos)
      << "'" << s.message() << "' does not mention '" << mentions << "'";
}

TEST(CatalogTest, SchemasByNameAndId) {
  RootCatalog root;
  ASSERT_OK_AND_ASSIGN(SchemaId a, root.CreateSchema("sales"));
  ASSERT_OK_AND_ASSIGN(SchemaId b, root.CreateSchema("hr"));
  EXPECT_NE(a, b);
  ASSERT_OK_AND_ASSIGN(SchemaId found, root.GetSchemaIdByName("hr"));
  EXPECT_EQ(found, b);
  ASSERT_OK_AND_ASSIGN(auto s, root.GetSchemaById(a));
  EXPECT_EQ(s->name(), "sales");
  EXPECT_EQ(s->id(), a);
  ASSERT_OK_AND_ASSIGN(auto s2, root.GetSchemaByName("sales"));
  EXPECT_EQ(s2->id(), a);
  EXPECT_EQ(root.Current()->AllSchemas().size(), 2u);

  ExpectError(root.CreateSchema("sales").status(), Status::Code::kAlreadyExists, "sales");
  ExpectError(root.CreateSchema("").status(), Status::Code::kInvalidArgument, "empty");
  ExpectError(root.GetSchemaIdByName("nope").status(), Status::Code::kNotFound, "nope");
  ExpectError(root.GetSchemaByName("nope").status(), Status::Code::kNotFound, "nope");
  ExpectError(root.GetSchemaById(99).status(), Status::Code::kNotFound, "99");
  ExpectError(root.DropSchema(99), Status::Code::kNotFound, "99");
}

TEST(CatalogTest, AddGetAndDropTables) {
  RootCatalog root;
  ASSERT_OK_AND_ASSIGN(SchemaId s, root.CreateSchema("db"));
  const auto cols = Columns("id int64 not null, name string, price decimal(12,2), day date");
  ASSERT_OK_AND_ASSIGN(TableRefId t, root.AddTable(s, "orders", 3, cols, false, {0}));
  EXPECT_EQ(t.schema_id, s);

  ASSERT_OK_AND_ASSIGN(auto table, root.GetTable(t));
  EXPECT_EQ(table->name(), "orders");
  EXPECT_EQ(table->shard(), 3u);
  EXPECT_FALSE(table->is_materialized_view());
  EXPECT_EQ(table->ordered_pk_ids(), std::vector<ColumnId>{0});
  ASSERT_EQ(table->columns().size(), 4u);
  for (ColumnId i = 0; i < 4; ++i) {
    EXPECT_EQ(table->columns()[i].id, i);
    EXPECT_EQ(table->columns()[i].name, cols[i].name);
    EXPECT_EQ(table->columns()[i].type, cols[i].type);
    EXPECT_EQ(table->columns()[i].is_primary, i == 0);
  }
  ASSERT_OK_AND_ASSIGN(ColumnCatalog price, root.GetColumn(ColumnRefId{s, t.table_id, 2}));
  EXPECT_EQ(price.name, "price");
  EXPECT_EQ(price.type.ToString(), "decimal(12,2)");
  ASSERT_OK_AND_ASSIGN(ColumnCatalog day, table->GetColumnByName("day"));
  EXPECT_EQ(day.id, 3u);
  ExpectError(table->GetColumnByName("nope").status(), Status::Code::kNotFound, "nope");
  ExpectError(root.GetColumn(ColumnRefId{s, t.table_id, 4}).status(), Status::Code::kNotFound,
              "orders");

  ASSERT_OK_AND_ASSIGN(TableRefId by_name, root.GetTableIdByName("db", "orders"));
  EXPECT_EQ(by_name, t);
  ExpectError(root.GetTableIdByName("db", "nope").status(), Status::Code::kNotFound, "nope");
  ExpectError(root.GetTableIdByName("nope", "orders").status(), Status::Code::kNotFound, "nope");

  // Per schema.
  ASSERT_OK_AND_ASSIGN(auto schema, root.GetSchemaById(s));
  ASSERT_OK_AND_ASSIGN(TableId tid, schema->GetTableIdByName("orders"));
  EXPECT_EQ(tid, t.table_id);
  ASSERT_OK_AND_ASSIGN(auto by_id, schema->GetTableById(tid));
  EXPECT_EQ(by_id.get(), table.get());
  ASSERT_OK_AND_ASSIGN(auto by_tname, schema->GetTableByName("orders"));
  EXPECT_EQ(by_tname.get(), table.get());
  EXPECT_EQ(schema->AllTables().size(), 1u);
  EXPECT_EQ(schema->next_table_id(), t.table_id + 1);
  ExpectError(schema->GetTableById(77).status(), Status::Code::kNotFound, "77");
  ExpectError(schema->GetTableByName("x").status(), Status::Code::kNotFound, "'x'");

  // A materialized view with a two-column key.
  ASSERT_OK_AND_ASSIGN(TableRefId mv,
                       root.AddTable(s, "by_day", 3, Columns("day date, n int64"), true, {1, 0}));
  ASSERT_OK_AND_ASSIGN(auto mvt, root.GetTable(mv));
  EXPECT_TRUE(mvt->is_materialized_view());
  EXPECT_EQ(mvt->ordered_pk_ids(), (std::vector<ColumnId>{1, 0}));

  ASSERT_OK(root.DropTable(t));
  ExpectError(root.GetTable(t).status(), Status::Code::kNotFound, "table id");
  ExpectError(root.DropTable(t), Status::Code::kNotFound, "table id");
  ExpectError(root.GetTableIdByName("db", "orders").status(), Status::Code::kNotFound, "orders");
  ExpectError(root.GetTable(TableRefId{42, 0}).status(), Status::Code::kNotFound, "42");
}

TEST(CatalogTest, BadTableDefinitions) {
  RootCatalog root;
  ASSERT_OK_AND_ASSIGN(SchemaId s, root.CreateSchema("db"));
  const auto cols = Columns("a int32, b string");
  ExpectError(root.AddTable(s, "t", 0, cols, false, {}).status(), Status::Code::kInvalidArgument,
              "shard 0");
  ExpectError(root.AddTable(s, "", 1, cols, false, {}).status(), Status::Code::kInvalidArgument,
              "empty table name");
  ExpectError(root.AddTable(s, "t", 1, {}, false, {}).status(), Status::Code::kInvalidArgument,
              "at least one column");
  std::vector<ColumnDef> dup = {{"a", DataType::Int32()}, {"a", DataType::String()}};
  ExpectError(root.AddTable(s, "t", 1, dup, false, {}).status(), Status::Code::kInvalidArgument,
              "duplicate column name 'a'");
  ExpectError(root.AddTable(s, "t", 1, cols, false, {2}).status(), Status::Code::kInvalidArgument,
              "out of range");
  ExpectError(root.AddTable(s, "t", 1, cols, false, {0, 0}).status(),
              Status::Code::kInvalidArgument, "twice");
  ExpectError(root.AddTable(s + 1, "t", 1, cols, false, {}).status(), Status::Code::kNotFound,
              "schema");
  // None of the failures used an id or left anything behind.
  ASSERT_OK_AND_ASSIGN(auto schema, root.GetSchemaById(s));
  EXPECT_EQ(schema->next_table_id(), 0u);
  EXPECT_EQ(schema->table_count(), 0u);

  ASSERT_OK(root.AddTable(s, "t", 1, cols, false, {}).status());
  ExpectError(root.AddTable(s, "t", 2, cols, false, {}).status(), Status::Code::kAlreadyExists,
              "'t' already exists in schema 'db'");
}

TEST(CatalogTest, DropThenCreateGetsNewIds) {
  RootCatalog root;
  ASSERT_OK_AND_ASSIGN(SchemaId s1, root.CreateSchema("db"));
  const auto cols = Columns("a int64");
  ASSERT_OK_AND_ASSIGN(TableRefId t1, root.AddTable(s1, "t", 1, cols, false, {}));
  ASSERT_OK(root.DropTable(t1));
  ASSERT_OK_AND_ASSIGN(TableRefId t2, root.AddTable(s1, "t", 1, cols, false, {}));
  EXPECT_NE(t1, t2);
  EXPECT_GT(t2.table_id, t1.table_id);

  // Dropping a schema drops its tables; the name then gets a new schema id.
  meta::VersionEdit edit;
  ASSERT_OK(root.DropSchema(s1, &edit));
  ASSERT_EQ(edit.size(), 2u);  // drop table t2, drop schema
  EXPECT_TRUE(std::holds_alternative<meta::DropTableOp>(edit.ops()[0]));
  EXPECT_TRUE(std::holds_alternative<meta::DropSchemaOp>(edit.ops()[1]));
  ExpectError(root.GetSchemaByName("db").status(), Status::Code::kNotFound, "db");
  ExpectError(root.GetTable(t2).status(), Status::Code::kNotFound, "schema");
  ASSERT_OK_AND_ASSIGN(SchemaId s2, root.CreateSchema("db"));
  EXPECT_GT(s2, s1);
  EXPECT_EQ(root.Current()->next_schema_id(), s2 + 1);
}

TEST(CatalogTest, ApplyRefusesReusedIdsAndNonEmptySchemaDrop) {
  RootCatalog root;
  ASSERT_OK_AND_ASSIGN(SchemaId s, root.CreateSchema("db"));
  ASSERT_OK_AND_ASSIGN(TableRefId t, root.AddTable(s, "t", 1, Columns("a int64"), false, {}));
  ASSERT_OK(root.DropTable(t));

  meta::VersionEdit reuse_schema;
  reuse_schema.CreateSchema(s, "other");
  ExpectError(root.Apply(reuse_schema), Status::Code::kInvalidArgument, "already used");

  meta::VersionEdit reuse_table;
  reuse_table.CreateTable(meta::CreateTableOp{t, "u", 1, Columns("a int64"), false, {}});
  ExpectError(root.Apply(reuse_table), Status::Code::kInvalidArgument, "already used");

  ASSERT_OK(root.AddTable(s, "u", 1, Columns("a int64"), false, {}).status());
  meta::VersionEdit drop;
  drop.DropSchema(s);
  ExpectError(root.Apply(drop), Status::Code::kInvalidArgument, "still has 1 tables");
}

TEST(CatalogTest, ApplyIsAllOrNothing) {
  RootCatalog root;
  ASSERT_OK_AND_ASSIGN(SchemaId s, root.CreateSchema("db"));
  const std::string before = root.Current()->DebugString();
  meta::VersionEdit edit;
  edit.CreateSchema(s + 1, "second");
  edit.CreateTable(meta::CreateTableOp{TableRefId{s, 0}, "t", 1, Columns("a int64"), false, {}});
  edit.DropTable(TableRefId{s, 5});  // unknown: the whole edit fails
  ExpectError(root.Apply(edit), Status::Code::kNotFound, "table id 5");
  EXPECT_EQ(root.Current()->DebugString(), before);
  EXPECT_FALSE(root.GetSchemaByName("second").ok());

  // Several DDL operations in one edit, including a table in a schema the
  // same edit creates.
  meta::VersionEdit good;
  good.CreateSchema(s + 1, "second");
  good.CreateTable(
      meta::CreateTableOp{TableRefId{s + 1, 0}, "t", 2, Columns("a int64"), false, {}});
  ASSERT_OK(root.Apply(good));
  ASSERT_OK_AND_ASSIGN(TableRefId t, root.GetTableIdByName("second", "t"));
  EXPECT_EQ(t, (TableRefId{s + 1, 0}));
}

TEST(CatalogTest, SnapshotsAreUnchangedByLaterWrites) {
  RootCatalog root;
  ASSERT_OK_AND_ASSIGN(SchemaId s, root.CreateSchema("db"));
  ASSERT_OK_AND_ASSIGN(TableRefId t, root.AddTable(s, "t", 1, Columns("a int64"), false, {}));
  auto snap = root.Current();
  const std::string text = snap->DebugString();
  ASSERT_OK_AND_ASSIGN(auto old_table, snap->GetTable(t));

  ASSERT_OK(root.AddTable(s, "u", 1, Columns("b string"), false, {}).status());
  ASSERT_OK(root.DropTable(t));
  ASSERT_OK(root.CreateSchema("other").status());

  EXPECT_EQ(snap->DebugString(), text);
  ASSERT_OK_AND_ASSIGN(auto still, snap->GetTable(t));
  EXPECT_EQ(still.get(), old_table.get());
  EXPECT_FALSE(root.GetTable(t).ok());
  // Unchanged tables are shared between snapshots, not copied.
  auto snap2 = root.Current();
  ASSERT_OK_AND_ASSIGN(auto u1, snap2->GetTableIdByName("db", "u"));
  ASSERT_OK(root.CreateSchema("third").status());
  ASSERT_OK_AND_ASSIGN(auto a, snap2->GetTable(u1));
  ASSERT_OK_AND_ASSIGN(auto b, root.GetTable(u1));
  EXPECT_EQ(a.get(), b.get());
}

TEST(CatalogTest, MakeDoesNotPublish) {
  RootCatalog root;
  meta::VersionEdit edit;
  ASSERT_OK(root.MakeCreateSchema("db", &edit));
  EXPECT_FALSE(root.GetSchemaByName("db").ok());
  ASSERT_OK(root.Apply(edit));
  ASSERT_OK_AND_ASSIGN(SchemaId s, root.GetSchemaIdByName("db"));
  meta::VersionEdit t;
  ASSERT_OK(root.MakeAddTable(s, "t", 1, Columns("a int64"), false, {}, &t));
  EXPECT_FALSE(root.GetTableIdByName("db", "t").ok());
  ASSERT_OK(root.Apply(t));
  ASSERT_OK(root.GetTableIdByName("db", "t").status());
  meta::VersionEdit again;
  ExpectError(root.MakeAddTable(s, "t", 1, Columns("a int64"), false, {}, &again),
              Status::Code::kAlreadyExists, "'t'");
  ExpectError(root.MakeCreateSchema("db", &again), Status::Code::kAlreadyExists, "db");
  ExpectError(root.MakeDropTable(TableRefId{s, 9}, &again), Status::Code::kNotFound, "9");
  EXPECT_TRUE(again.empty());
}

TEST(CatalogTest, SchemaCatalogDirectly) {
  SchemaCatalog s(4, "x");
  auto t = [](TableId id, std::string name) {
    return std::make_shared<const TableCatalog>(
        TableRefId{4, id}, std::move(name), 1,
        std::vector<ColumnCatalog>{{0, "a", DataType::Int64(), false}}, false,
        std::vector<ColumnId>{});
  };
  ASSERT_OK(s.AddTable(t(0, "a")));
  ASSERT_OK(s.AddTable(t(3, "b")));
  EXPECT_EQ(s.next_table_id(), 4u);
  ExpectError(s.AddTable(t(2, "c")), Status::Code::kInvalidArgument, "already used");
  ExpectError(s.AddTable(t(5, "a")), Status::Code::kAlreadyExists, "'a'");
  ExpectError(
      s.AddTable(std::make_shared<const TableCatalog>(
          TableRefId{5, 9}, "z", 1, std::vector<ColumnCatalog>{}, false, std::vector<ColumnId>{})),
      Status::Code::kInvalidArgument, "does not belong");
  ASSERT_OK(s.DeleteTable(0));
  ExpectError(s.DeleteTable(0), Status::Code::kNotFound, "table id 0");
  auto all = s.AllTables();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0]->name(), "b");
  EXPECT_EQ(s.next_table_id(), 4u);
}

// Readers take snapshots while a writer creates and drops tables and
// schemas: every snapshot is internally consistent and never changes.
TEST(CatalogTest, ConcurrentReadersSeeConsistentSnapshots) {
  RootCatalog root;
  std::atomic<bool> stop{false};
  std::atomic<int> violations{0};
  std::thread writer([&] {
    const auto cols = Columns("a int64, b string");
    for (int round = 0; round < 300 && violations == 0; ++round) {
      auto s = root.CreateSchema("s" + std::to_string(round % 3));
      if (!s.ok()) {
        // Still there from three rounds ago: drop it (cascade) and retry.
        auto old = root.GetSchemaIdByName("s" + std::to_string(round % 3));
        if (!old.ok() || !root.DropSchema(*old).ok()) violations++;
        s = root.CreateSchema("s" + std::to_string(round % 3));
        if (!s.ok()) violations++;
        continue;
      }
      for (int i = 0; i < 10; ++i) {
        auto t = root.AddTable(*s, "t" + std::to_string(i), 1 + i % 3, cols, false, {0});
        if (!t.ok()) violations++;
        if (t.ok() && i % 3 == 0 && !root.DropTable(*t).ok()) violations++;
      }
    }
    stop = true;
  });
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      while (!stop) {
        auto snap = root.Current();
        const std::string text = snap->DebugString();
        for (const auto& schema : snap->AllSchemas()) {
          auto id = snap->GetSchemaIdByName(schema->name());
          if (!id.ok() || *id != schema->id()) violations++;
          for (const auto& t : schema->AllTables()) {
            auto ref = snap->GetTableIdByName(schema->name(), t->name());
            if (!ref.ok() || *ref != t->ref()) violations++;
            auto col = snap->GetColumn(ColumnRefId{t->ref().schema_id, t->id(), 1});
            if (!col.ok() || col->name != "b") violations++;
          }
        }
        std::this_thread::yield();
        if (snap->DebugString() != text) violations++;
      }
    });
  }
  writer.join();
  for (auto& t : readers) t.join();
  EXPECT_EQ(violations.load(), 0);
}

}  // namespace
}  // namespace silt
