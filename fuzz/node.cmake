# Fuzz targets of src/node/ (included by fuzz/CMakeLists.txt). Each compiles the one parser it
# fuzzes rather than linking silt_node, so the fuzz tree does not build the whole Node.
silt_add_fuzzer(node_csv_fuzz SOURCES node_csv_fuzz.cc ${PROJECT_SOURCE_DIR}/src/node/csv_reader.cc
                LIBS silt_table)
silt_add_fuzzer(node_snapshot_fuzz
                SOURCES node_snapshot_fuzz.cc ${PROJECT_SOURCE_DIR}/src/node/node_snapshot_format.cc
                LIBS silt_snapshot)
