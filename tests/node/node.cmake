# Tests of the Node (include/silt/node.h).
silt_add_test(node_test SOURCES node_test.cc LIBS silt_node)
silt_add_test(node_concurrency_test SOURCES node_concurrency_test.cc LIBS silt_node
              LABELS concurrency)
silt_add_test(node_kill_test SOURCES node_kill_test.cc LIBS silt_node NEEDS_SILT)
silt_add_test(node_crash_test SOURCES node_crash_test.cc LIBS silt_node)
silt_add_test(node_cli_test SOURCES node_cli_test.cc LIBS silt_node NEEDS_SILT)
silt_add_test(node_snapshot_test SOURCES node_snapshot_test.cc LIBS silt_node)
silt_add_test(node_snapshot_crash_test SOURCES node_snapshot_crash_test.cc LIBS silt_node)
silt_add_test(node_snapshot_cli_test SOURCES node_snapshot_cli_test.cc LIBS silt_node NEEDS_SILT)
silt_add_test(node_snapshot_concurrency_test SOURCES node_snapshot_concurrency_test.cc LIBS silt_node
              LABELS concurrency)
