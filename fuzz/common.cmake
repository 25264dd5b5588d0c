silt_add_fuzzer(coding_fuzz SOURCES coding_fuzz.cc LIBS silt_common)
