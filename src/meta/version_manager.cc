// VersionManager: commits, pins and vacuum.
#include "meta/version_manager.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace silt::meta {
namespace {

// Builds the next Version from the current one: the table map and the safe
// ids are copy-on-write (shared until written)
// and each table an edit touches is copied once; everything else stays shared.
class VersionBuilder {
 public:
  VersionBuilder(TableVersionMap* tables,
                 std::shared_ptr<const std::map<ShardId, uint64_t>>* safe_ids,
                 RowSetId* next_rowset_id, DVId* next_dv_id, uint64_t epoch,
                 std::vector<DeletableFile>* removed)
      : tables_(tables),
        safe_ids_(safe_ids),
        next_rowset_id_(next_rowset_id),
        next_dv_id_(next_dv_id),
        epoch_(epoch),
        removed_(removed) {}

  void set_epoch(uint64_t epoch) { epoch_ = epoch; }

  Status Apply(const EditOp& op) {
    return std::visit([this](const auto& o) { return Do(o); }, op);
  }

 private:
  Result<TableVersion*> Mutable(TableRefId table, const char* for_what) {
    const TableVersionMap::Ptr* t = tables_->Find(table);
    if (t == nullptr) {
      return Status::NotFound(fmt::format("{}: no table {}", for_what, table.ToString()));
    }
    auto& m = copies_[table];
    if (!m) {
      m = std::make_shared<TableVersion>(**t);
      tables_->Set(table, m);
    }
    return m.get();
  }

  void RemoveRowSet(const TableVersion& t, const RowSetMeta& r) {
    removed_->push_back(DeletableFile{DeletableFile::Kind::kRowSet, t.table, r.id, r.name, epoch_});
  }
  void RemoveDV(const TableVersion& t, const DVMeta& d) {
    removed_->push_back(DeletableFile{DeletableFile::Kind::kDV, t.table, d.id, d.name, epoch_});
  }

  Status Do(const CreateSchemaOp&) { return Status::OK(); }
  Status Do(const DropSchemaOp&) { return Status::OK(); }

  Status Do(const CreateTableOp& op) {
    SILT_RETURN_IF_ERROR(ValidateTableDef(op));
    if (tables_->Contains(op.table)) {
      return Status::AlreadyExists(
          fmt::format("create table: {} already exists", op.table.ToString()));
    }
    auto t = std::make_shared<TableVersion>();
    t->table = op.table;
    t->shard = op.shard;
    copies_[op.table] = t;
    tables_->Set(op.table, std::move(t));
    return Status::OK();
  }

  Status Do(const DropTableOp& op) {
    const TableVersionMap::Ptr* found = tables_->Find(op.table);
    if (found == nullptr) {
      return Status::NotFound(fmt::format("drop table: no table {}", op.table.ToString()));
    }
    const TableVersionMap::Ptr t = *found;
    for (const auto& [id, r] : t->rowsets) RemoveRowSet(*t, r);
    for (const auto& [id, d] : t->dvs) RemoveDV(*t, d);
    tables_->Erase(op.table);
    copies_.erase(op.table);
    return Status::OK();
  }

  Status Do(const AddRowSetOp& op) {
    SILT_ASSIGN_OR_RETURN(TableVersion * t, Mutable(op.table, "add rowset"));
    if (op.rowset.name.empty()) {
      return Status::InvalidArgument(
          fmt::format("add rowset {} to {}: empty name", op.rowset.id, op.table.ToString()));
    }
    if (!t->rowsets.emplace(op.rowset.id, op.rowset).second) {
      return Status::AlreadyExists(
          fmt::format("add rowset: {} already has rowset {}", op.table.ToString(), op.rowset.id));
    }
    *next_rowset_id_ = std::max(*next_rowset_id_, op.rowset.id + 1);
    return Status::OK();
  }

  Status Do(const DeleteRowSetOp& op) {
    SILT_ASSIGN_OR_RETURN(TableVersion * t, Mutable(op.table, "delete rowset"));
    auto it = t->rowsets.find(op.rowset_id);
    if (it == t->rowsets.end()) {
      return Status::NotFound(
          fmt::format("delete rowset: {} has no rowset {}", op.table.ToString(), op.rowset_id));
    }
    RemoveRowSet(*t, it->second);
    t->rowsets.erase(it);
    // The rowset's delete vectors go with it.
    for (auto dv = t->dvs.begin(); dv != t->dvs.end();) {
      if (dv->second.rowset_id == op.rowset_id) {
        RemoveDV(*t, dv->second);
        dv = t->dvs.erase(dv);
      } else {
        ++dv;
      }
    }
    return Status::OK();
  }

  Status Do(const AddDVOp& op) {
    SILT_ASSIGN_OR_RETURN(TableVersion * t, Mutable(op.table, "add dv"));
    if (op.dv.name.empty()) {
      return Status::InvalidArgument(
          fmt::format("add dv {} to {}: empty name", op.dv.id, op.table.ToString()));
    }
    if (t->rowsets.count(op.dv.rowset_id) == 0) {
      return Status::NotFound(fmt::format("add dv {}: {} has no rowset {}", op.dv.id,
                                          op.table.ToString(), op.dv.rowset_id));
    }
    if (!t->dvs.emplace(op.dv.id, op.dv).second) {
      return Status::AlreadyExists(
          fmt::format("add dv: {} already has dv {}", op.table.ToString(), op.dv.id));
    }
    *next_dv_id_ = std::max(*next_dv_id_, op.dv.id + 1);
    return Status::OK();
  }

  Status Do(const DeleteDVOp& op) {
    SILT_ASSIGN_OR_RETURN(TableVersion * t, Mutable(op.table, "delete dv"));
    auto it = t->dvs.find(op.dv_id);
    if (it == t->dvs.end()) {
      return Status::NotFound(
          fmt::format("delete dv: {} has no dv {}", op.table.ToString(), op.dv_id));
    }
    RemoveDV(*t, it->second);
    t->dvs.erase(it);
    return Status::OK();
  }

  Status Do(const SetSafeIdOp& op) {
    if (op.shard == kMetaShard) {
      return Status::InvalidArgument("set safe id: shard 0 is the metadata log, not a shard");
    }
    if (!safe_copy_) {
      safe_copy_ = *safe_ids_ ? std::make_shared<std::map<ShardId, uint64_t>>(**safe_ids_)
                              : std::make_shared<std::map<ShardId, uint64_t>>();
      *safe_ids_ = safe_copy_;
    }
    uint64_t& safe = (*safe_copy_)[op.shard];
    if (op.index < safe) {
      return Status::InvalidArgument(
          fmt::format("set safe id: shard {} safe id would move backwards from {} to {}", op.shard,
                      safe, op.index));
    }
    safe = op.index;
    return Status::OK();
  }

  TableVersionMap* tables_;
  std::shared_ptr<const std::map<ShardId, uint64_t>>* safe_ids_;
  std::shared_ptr<std::map<ShardId, uint64_t>> safe_copy_;  // this commit's, once written
  RowSetId* next_rowset_id_;
  DVId* next_dv_id_;
  uint64_t epoch_;
  std::vector<DeletableFile>* removed_;
  std::map<TableRefId, std::shared_ptr<TableVersion>> copies_;
};

}  // namespace

VersionManager::VersionManager() : current_(std::make_shared<const Version>()) {}

VersionManager::VersionManager(std::shared_ptr<const Version> initial)
    : current_(std::move(initial)) {}

Result<std::shared_ptr<Version>> VersionManager::BuildNext(const Version& base,
                                                           std::span<const VersionEdit> edits,
                                                           std::vector<DeletableFile>* removed) {
  auto next = std::make_shared<Version>(base);
  // One builder for all the edits: each table is copied once for the lot.
  VersionBuilder builder(&next->tables_, &next->safe_ids_, &next->next_rowset_id_,
                         &next->next_dv_id_, next->epoch_, removed);
  for (const VersionEdit& edit : edits) {
    next->epoch_++;
    if (edit.empty()) {
      return Status::InvalidArgument(fmt::format("commit of epoch {}: empty edit", next->epoch_));
    }
    builder.set_epoch(next->epoch_);
    for (const EditOp& op : edit.ops()) {
      Status s = builder.Apply(op);
      if (!s.ok()) return s.WithContext(fmt::format("commit of epoch {}", next->epoch_));
    }
  }
  return next;
}

Result<uint64_t> VersionManager::CommitAll(std::span<const VersionEdit> edits) {
  if (edits.empty()) return epoch();
  std::lock_guard<std::mutex> write_lock(write_mu_);
  std::shared_ptr<const Version> base;
  {
    std::lock_guard<std::mutex> lock(state_mu_);
    base = current_;
  }
  std::vector<DeletableFile> removed;
  SILT_ASSIGN_OR_RETURN(std::shared_ptr<Version> next, BuildNext(*base, edits, &removed));
  const uint64_t epoch = next->epoch_;
  {
    std::lock_guard<std::mutex> lock(state_mu_);
    current_ = std::move(next);
    for (DeletableFile& f : removed) pending_.push_back(std::move(f));
    PrunePinsLocked();
  }
  return epoch;
}

Status VersionManager::Check(const VersionEdit& edit) { return Prepare(edit).status(); }

Result<PreparedCommit> VersionManager::Prepare(const VersionEdit& edit) {
  std::lock_guard<std::mutex> write_lock(write_mu_);
  std::shared_ptr<const Version> base;
  {
    std::lock_guard<std::mutex> lock(state_mu_);
    base = current_;
  }
  PreparedCommit p;
  SILT_ASSIGN_OR_RETURN(p.next_, BuildNext(*base, std::span(&edit, 1), &p.removed_));
  return p;
}

Result<uint64_t> VersionManager::Install(PreparedCommit prepared) {
  std::lock_guard<std::mutex> write_lock(write_mu_);
  if (!prepared.next_) return Status::InvalidArgument("install of an empty prepared commit");
  std::shared_ptr<const Version> base;
  {
    std::lock_guard<std::mutex> lock(state_mu_);
    if (current_->epoch() + 1 != prepared.next_->epoch()) {
      return Status::Aborted(
          fmt::format("prepared commit of epoch {} no longer follows the current epoch {}",
                      prepared.next_->epoch(), current_->epoch()));
    }
    base = std::move(current_);
    current_ = std::move(prepared.next_);
    for (DeletableFile& f : prepared.removed_) pending_.push_back(std::move(f));
    PrunePinsLocked();
  }
  return base->epoch() + 1;
}

Result<uint64_t> VersionManager::Commit(const VersionEdit& edit) {
  return CommitAll(std::span(&edit, 1));
}

std::shared_ptr<const Version> VersionManager::Pin() {
  std::lock_guard<std::mutex> lock(state_mu_);
  auto& slot = pins_[current_->epoch()];
  // Only one Version object exists per epoch, so one entry per epoch is enough.
  if (slot.expired()) slot = current_;
  return current_;
}

uint64_t VersionManager::epoch() const {
  std::lock_guard<std::mutex> lock(state_mu_);
  return current_->epoch();
}

RowSetId VersionManager::NewRowSetId() {
  std::lock_guard<std::mutex> lock(state_mu_);
  const RowSetId id = std::max(next_new_rowset_id_, current_->next_rowset_id());
  next_new_rowset_id_ = id + 1;
  return id;
}

DVId VersionManager::NewDVId() {
  std::lock_guard<std::mutex> lock(state_mu_);
  const DVId id = std::max(next_new_dv_id_, current_->next_dv_id());
  next_new_dv_id_ = id + 1;
  return id;
}

void VersionManager::PrunePinsLocked() {
  for (auto it = pins_.begin(); it != pins_.end();) {
    it = it->second.expired() ? pins_.erase(it) : std::next(it);
  }
}

std::vector<DeletableFile> VersionManager::TakeDeletableFiles() {
  std::vector<DeletableFile> out;
  std::lock_guard<std::mutex> lock(state_mu_);
  PrunePinsLocked();
  // The oldest Version someone still holds; files removed at or before it are
  // invisible to every pinned Version.
  const uint64_t oldest_pinned =
      pins_.empty() ? std::numeric_limits<uint64_t>::max() : pins_.begin()->first;
  while (!pending_.empty() && pending_.front().removed_epoch <= oldest_pinned) {
    out.push_back(std::move(pending_.front()));
    pending_.pop_front();
  }
  return out;
}

size_t VersionManager::pending_deletions() const {
  std::lock_guard<std::mutex> lock(state_mu_);
  return pending_.size();
}

size_t VersionManager::pinned_epochs() const {
  std::lock_guard<std::mutex> lock(state_mu_);
  size_t n = 0;
  for (const auto& [epoch, v] : pins_) n += v.expired() ? 0 : 1;
  return n;
}

}  // namespace silt::meta
