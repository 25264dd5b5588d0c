# The Node (include/silt/node.h): write path, flush, compaction, vacuum.
target_sources(silt_node PRIVATE
  memtable.cc
  node.cc
  node_file_names.cc
  row_codec.cc
  row_filter.cc
  transaction_manager.cc
)
