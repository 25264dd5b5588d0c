# Fuzz targets of src/node/ (included by fuzz/CMakeLists.txt).
silt_add_fuzzer(node_csv_fuzz SOURCES node_csv_fuzz.cc LIBS silt_node)
silt_add_fuzzer(node_snapshot_fuzz SOURCES node_snapshot_fuzz.cc LIBS silt_node)
