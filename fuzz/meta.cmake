silt_add_fuzzer(meta_edit_fuzz SOURCES meta_edit_fuzz.cc LIBS silt_meta)
