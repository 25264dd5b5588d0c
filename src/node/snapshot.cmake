# Node snapshots (include/silt/node_snapshot.h): write, verify, restore, reap.
target_sources(silt_node PRIVATE
  node_snapshot.cc
  node_snapshot_format.cc
)
target_link_libraries(silt_node PRIVATE nlohmann_json::nlohmann_json)
