// A LogStore + MetaStore pair on one Env, as a node holds them, for the
// MetaStore tests.
#pragma once

#include <memory>
#include <string>

#include "meta/meta_store.h"
#include "meta_test_model.h"
#include "silt/log_store.h"

namespace silt::meta::test {

struct MetaNode {
  Env* env = nullptr;
  std::string root;
  MetaOptions options;
  uint64_t segment_size = 4096;
  std::unique_ptr<LogStore> log;
  std::unique_ptr<MetaStore> meta;

  MetaNode(Env* e, std::string r, MetaOptions o) : env(e), root(std::move(r)), options(o) {
    options.env = e;
  }
  ~MetaNode() { Close(); }

  Status Open() {
    LogOptions lo;
    lo.env = env;
    lo.segment_size = segment_size;
    lo.checkpoint_queue_size = 2;
    SILT_ASSIGN_OR_RETURN(log, LogStore::Open(root + "/log", lo));
    auto m = MetaStore::Open(root + "/meta", log.get(), options);
    if (!m.ok()) {
      log.reset();
      return m.status();
    }
    meta = std::move(*m);
    return Status::OK();
  }
  void Close() {
    meta.reset();
    log.reset();
  }
  std::string Canon() const {
    return test::Canon(meta->catalog().Current().get(), meta->versions().Pin().get());
  }
};

}  // namespace silt::meta::test
