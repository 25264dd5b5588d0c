# The Node (include/silt/node.h): write path, flush, compaction, vacuum.
target_sources(silt_node PRIVATE node_file_names.cc)
