silt_add_fuzzer(meta_edit_fuzz SOURCES meta_edit_fuzz.cc LIBS silt_meta)
silt_add_fuzzer(meta_checkpoint_fuzz SOURCES meta_checkpoint_fuzz.cc LIBS silt_meta)
