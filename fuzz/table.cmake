# Fuzz targets of src/table/ (included by fuzz/CMakeLists.txt).
silt_add_fuzzer(table_block_fuzz SOURCES table_block_fuzz.cc LIBS silt_table)
silt_add_fuzzer(table_rowset_fuzz SOURCES table_rowset_fuzz.cc LIBS silt_table)
silt_add_fuzzer(table_query_fuzz SOURCES table_query_fuzz.cc LIBS silt_table)
