// The model of the metadata tests: the obvious implementation of the catalog
// and version rules (no sharing, no snapshots), a generator of random edits
// (valid and invalid) and one canonical text for the model and the real
// thing, so that equal texts mean equal states.
#pragma once

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "meta/version.h"
#include "meta/version_edit.h"
#include "silt/catalog.h"

namespace silt::meta::test {

struct ModelTable {
  CreateTableOp def;
  std::map<RowSetId, RowSetMeta> rowsets;
  std::map<DVId, DVMeta> dvs;
};
struct ModelSchema {
  std::string name;
  TableId next_table_id = 0;
  std::map<TableId, ModelTable> tables;
};

// The obvious implementation of the rules, with no sharing or snapshots.
struct Model {
  std::map<SchemaId, ModelSchema> schemas;
  SchemaId next_schema_id = 0;
  std::map<ShardId, uint64_t> safe;
  RowSetId next_rowset_id = 0;
  DVId next_dv_id = 0;
  uint64_t epoch = 0;

  ModelTable* Find(TableRefId t) {
    auto s = schemas.find(t.schema_id);
    if (s == schemas.end()) return nullptr;
    auto it = s->second.tables.find(t.table_id);
    return it == s->second.tables.end() ? nullptr : &it->second;
  }
  bool SchemaNameTaken(const std::string& name) const {
    for (const auto& [id, s] : schemas) {
      if (s.name == name) return true;
    }
    return false;
  }

  // Applies one operation; false if it is invalid.
  bool Apply(const EditOp& op) {
    if (auto* o = std::get_if<CreateSchemaOp>(&op)) {
      if (o->name.empty() || SchemaNameTaken(o->name) || o->schema_id < next_schema_id) {
        return false;
      }
      next_schema_id = o->schema_id + 1;
      schemas[o->schema_id].name = o->name;
    } else if (auto* o = std::get_if<DropSchemaOp>(&op)) {
      auto it = schemas.find(o->schema_id);
      if (it == schemas.end() || !it->second.tables.empty()) return false;
      schemas.erase(it);
    } else if (auto* o = std::get_if<CreateTableOp>(&op)) {
      auto it = schemas.find(o->table.schema_id);
      if (it == schemas.end() || o->shard == 0 || !ValidateTableDef(*o).ok()) return false;
      ModelSchema& s = it->second;
      for (const auto& [id, t] : s.tables) {
        if (t.def.name == o->name) return false;
      }
      if (o->table.table_id < s.next_table_id) return false;
      s.next_table_id = o->table.table_id + 1;
      s.tables[o->table.table_id].def = *o;
    } else if (auto* o = std::get_if<DropTableOp>(&op)) {
      if (Find(o->table) == nullptr) return false;
      schemas[o->table.schema_id].tables.erase(o->table.table_id);
    } else if (auto* o = std::get_if<AddRowSetOp>(&op)) {
      ModelTable* t = Find(o->table);
      if (t == nullptr || o->rowset.name.empty() || t->rowsets.count(o->rowset.id)) return false;
      t->rowsets[o->rowset.id] = o->rowset;
      next_rowset_id = std::max(next_rowset_id, o->rowset.id + 1);
    } else if (auto* o = std::get_if<DeleteRowSetOp>(&op)) {
      ModelTable* t = Find(o->table);
      if (t == nullptr || !t->rowsets.erase(o->rowset_id)) return false;
      std::erase_if(t->dvs, [&](const auto& kv) { return kv.second.rowset_id == o->rowset_id; });
    } else if (auto* o = std::get_if<AddDVOp>(&op)) {
      ModelTable* t = Find(o->table);
      if (t == nullptr || o->dv.name.empty() || !t->rowsets.count(o->dv.rowset_id) ||
          t->dvs.count(o->dv.id)) {
        return false;
      }
      t->dvs[o->dv.id] = o->dv;
      next_dv_id = std::max(next_dv_id, o->dv.id + 1);
    } else if (auto* o = std::get_if<DeleteDVOp>(&op)) {
      ModelTable* t = Find(o->table);
      if (t == nullptr || !t->dvs.erase(o->dv_id)) return false;
    } else if (auto* o = std::get_if<SetSafeIdOp>(&op)) {
      if (o->shard == 0 || o->index < safe[o->shard]) return false;
      safe[o->shard] = o->index;
    }
    return true;
  }

  // All or nothing, like a commit.
  bool Commit(const VersionEdit& edit) {
    if (edit.empty()) return false;
    Model next = *this;
    for (const EditOp& op : edit.ops()) {
      if (!next.Apply(op)) return false;
    }
    next.epoch++;
    *this = std::move(next);
    return true;
  }
};

// One canonical text for the model and for the real thing.
inline std::string Canon(const Model& m) {
  std::string s = fmt::format("epoch {} next schema {} next rowset {} next dv {}\n", m.epoch,
                              m.next_schema_id, m.next_rowset_id, m.next_dv_id);
  for (const auto& [shard, index] : m.safe) {
    if (index != 0) s += fmt::format("safe {} {}\n", shard, index);
  }
  for (const auto& [sid, schema] : m.schemas) {
    s += fmt::format("schema {} {} next {}\n", sid, schema.name, schema.next_table_id);
    for (const auto& [tid, t] : schema.tables) {
      s += fmt::format(" table {} {} shard {} mv {} pk {} ({})\n", tid, t.def.name, t.def.shard,
                       t.def.is_materialized_view, fmt::join(t.def.ordered_pk_ids, ","),
                       ColumnDefsToString(t.def.columns));
      for (const auto& [id, r] : t.rowsets) {
        s += fmt::format("  rowset {} {} {} {}\n", id, r.name, r.rows, r.bytes);
      }
      for (const auto& [id, d] : t.dvs)
        s += fmt::format("  dv {} {} {}\n", id, d.rowset_id, d.name);
    }
  }
  return s;
}

inline std::string Canon(const CatalogSnapshot* cat, const Version* v) {
  std::string s = fmt::format("epoch {} next schema {} next rowset {} next dv {}\n", v->epoch(),
                              cat->next_schema_id(), v->next_rowset_id(), v->next_dv_id());
  for (const auto& [shard, index] : v->safe_ids()) {
    if (index != 0) s += fmt::format("safe {} {}\n", shard, index);
  }
  size_t tables = 0;
  for (const auto& schema : cat->AllSchemas()) {
    s += fmt::format("schema {} {} next {}\n", schema->id(), schema->name(),
                     schema->next_table_id());
    for (const auto& t : schema->AllTables()) {
      std::vector<ColumnDef> cols;
      for (const auto& c : t->columns()) cols.push_back(ColumnDef{c.name, c.type});
      s += fmt::format(" table {} {} shard {} mv {} pk {} ({})\n", t->id(), t->name(), t->shard(),
                       t->is_materialized_view(), fmt::join(t->ordered_pk_ids(), ","),
                       ColumnDefsToString(cols));
      auto tv = v->GetTable(t->ref());
      if (!tv.ok()) {
        s += "  MISSING FROM VERSION\n";
        continue;
      }
      ++tables;
      if ((*tv)->shard != t->shard()) s += "  SHARD MISMATCH\n";
      for (const auto& [id, r] : (*tv)->rowsets) {
        s += fmt::format("  rowset {} {} {} {}\n", id, r.name, r.rows, r.bytes);
      }
      for (const auto& [id, d] : (*tv)->dvs) {
        s += fmt::format("  dv {} {} {}\n", id, d.rowset_id, d.name);
      }
    }
  }
  if (tables != v->tables().size()) s += "VERSION HAS EXTRA TABLES\n";
  return s;
}

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  VersionEdit Next(const Model& m) {
    VersionEdit e;
    if (!m.schemas.empty() && Chance(2)) {
      // DROP SCHEMA ... CASCADE, as RootCatalog::MakeDropSchema builds it.
      auto it = m.schemas.begin();
      std::advance(it, Pick(m.schemas.size()));
      for (const auto& [tid, t] : it->second.tables) e.DropTable(t.def.table);
      e.DropSchema(it->first);
      return e;
    }
    const uint64_t r = Pick(100);
    const int ops = r < 60 ? 1 : r < 85 ? 2 : 3;
    for (int i = 0; i < ops; ++i) e.Add(Op(m));
    return e;
  }

 private:
  uint64_t Pick(uint64_t n) { return rng_() % n; }
  bool Chance(int percent) { return Pick(100) < static_cast<uint64_t>(percent); }

  // A schema id: mostly a live one, sometimes unknown.
  SchemaId SomeSchema(const Model& m) {
    if (m.schemas.empty() || Chance(5)) return static_cast<SchemaId>(Pick(m.next_schema_id + 2));
    auto it = m.schemas.begin();
    std::advance(it, Pick(m.schemas.size()));
    return it->first;
  }
  const ModelTable* SomeTable(const Model& m) {
    std::vector<const ModelTable*> all;
    for (const auto& [sid, s] : m.schemas) {
      for (const auto& [tid, t] : s.tables) all.push_back(&t);
    }
    return all.empty() ? nullptr : all[Pick(all.size())];
  }
  TableRefId SomeTableRef(const Model& m) {
    const ModelTable* t = SomeTable(m);
    if (t == nullptr || Chance(5)) {
      return TableRefId{SomeSchema(m), static_cast<TableId>(Pick(6))};
    }
    return t->def.table;
  }

  DataType SomeType() {
    DataType t;
    switch (Pick(8)) {
      case 0:
        t = DataType::Bool();
        break;
      case 1:
        t = DataType::Int32();
        break;
      case 2:
        t = DataType::Int64();
        break;
      case 3:
        t = DataType::Float64();
        break;
      case 4: {
        const int p = 1 + static_cast<int>(Pick(18));
        t = DataType::Decimal(p, static_cast<int>(Pick(p + 1))).value();
        break;
      }
      case 5:
        t = DataType::Date();
        break;
      case 6:
        t = DataType::Timestamp();
        break;
      default:
        t = DataType::String();
        break;
    }
    return t.WithNullable(Chance(50));
  }

  EditOp Op(const Model& m) {
    const uint64_t k = Pick(100);
    if (k < 8) {
      // Ids: usually the next one, sometimes a used one.
      SchemaId id = m.next_schema_id;
      if (Chance(5) && id > 0) id = static_cast<SchemaId>(Pick(id));
      return CreateSchemaOp{id, "s" + std::to_string(Pick(6))};
    }
    if (k < 12) return DropSchemaOp{SomeSchema(m)};
    if (k < 25) {
      CreateTableOp op;
      op.table.schema_id = SomeSchema(m);
      auto s = m.schemas.find(op.table.schema_id);
      op.table.table_id = s == m.schemas.end() ? 0 : s->second.next_table_id;
      if (Chance(5) && op.table.table_id > 0) op.table.table_id--;
      op.name = "t" + std::to_string(Pick(8));
      op.shard = Chance(3) ? 0 : 1 + Pick(4);
      const size_t ncols = 1 + Pick(4);
      for (size_t i = 0; i < ncols; ++i) {
        op.columns.push_back(ColumnDef{"c" + std::to_string(i), SomeType()});
      }
      for (size_t i = 0; i < ncols; ++i) {
        if (Chance(30)) op.ordered_pk_ids.push_back(static_cast<ColumnId>((i + 1) % ncols));
      }
      op.is_materialized_view = Chance(10);
      return op;
    }
    if (k < 32) return DropTableOp{SomeTableRef(m)};
    if (k < 52) {
      RowSetId id = m.next_rowset_id + Pick(3);
      if (Chance(5) && id > 0) id = Pick(id);
      return AddRowSetOp{SomeTableRef(m), RowSetMeta{id, Chance(2) ? "" : fmt::format("rs{}", id),
                                                     Pick(1000000), Pick(1 << 30)}};
    }
    const ModelTable* t = SomeTable(m);
    if (k < 64) {
      RowSetId id = Pick(m.next_rowset_id + 1);
      if (t != nullptr && !t->rowsets.empty() && Chance(80)) {
        auto it = t->rowsets.begin();
        std::advance(it, Pick(t->rowsets.size()));
        id = it->first;
      }
      return DeleteRowSetOp{t ? t->def.table : SomeTableRef(m), id};
    }
    if (k < 78) {
      RowSetId rowset = Pick(m.next_rowset_id + 1);
      if (t != nullptr && !t->rowsets.empty() && Chance(85)) {
        auto it = t->rowsets.begin();
        std::advance(it, Pick(t->rowsets.size()));
        rowset = it->first;
      }
      DVId id = m.next_dv_id + Pick(2);
      if (Chance(5) && id > 0) id = Pick(id);
      return AddDVOp{t ? t->def.table : SomeTableRef(m),
                     DVMeta{id, rowset, fmt::format("dv{}", id)}};
    }
    if (k < 88) {
      DVId id = Pick(m.next_dv_id + 1);
      if (t != nullptr && !t->dvs.empty() && Chance(80)) {
        auto it = t->dvs.begin();
        std::advance(it, Pick(t->dvs.size()));
        id = it->first;
      }
      return DeleteDVOp{t ? t->def.table : SomeTableRef(m), id};
    }
    const ShardId shard = Chance(3) ? 0 : 1 + Pick(4);
    auto it = m.safe.find(shard);
    const uint64_t cur = it == m.safe.end() ? 0 : it->second;
    const uint64_t index = Chance(10) && cur > 0 ? cur - 1 - Pick(cur) : cur + Pick(100);
    return SetSafeIdOp{shard, index};
  }

  std::mt19937_64 rng_;
};

}  // namespace silt::meta::test
