silt_add_fuzzer(log_segment_fuzz SOURCES log_segment_fuzz.cc LIBS silt_log)
silt_add_fuzzer(log_index_fuzz SOURCES log_index_fuzz.cc LIBS silt_log)
