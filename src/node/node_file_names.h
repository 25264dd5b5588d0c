// Names of the files a Node keeps below DATA/tables (docs/node_format.md):
//   tables/s<schema>-t<table>/            one directory per table
//     rs-<rowset id, 20 digits>/          a RowSet (table/rowset_builder.h)
//     dv-<dv id, 20 digits>.dv            a delete vector file
// Ids never repeat within a data directory, so a name is never reused.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "silt/catalog.h"

namespace silt::node {

std::string TableDirName(TableRefId table);
std::string RowSetDirName(uint64_t rowset_id);
std::string DVFileName(uint64_t dv_id);

// False if `name` is not such a name.
bool ParseTableDirName(std::string_view name, TableRefId* table);
bool ParseRowSetDirName(std::string_view name, uint64_t* rowset_id);
bool ParseDVFileName(std::string_view name, uint64_t* dv_id);

}  // namespace silt::node
