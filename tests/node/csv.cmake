# CSV import (src/node/csv_reader.h) and `silt generate`.
silt_add_test(csv_reader_test SOURCES csv_reader_test.cc LIBS silt_node)
silt_add_test(generate_cli_test SOURCES generate_cli_test.cc LIBS silt_node NEEDS_SILT)
