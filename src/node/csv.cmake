# CSV import (csv_reader.h, docs/csv_import.md).
target_sources(silt_node PRIVATE csv_reader.cc)
