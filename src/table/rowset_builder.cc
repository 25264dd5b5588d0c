#include "table/rowset_builder.h"

#include <fmt/format.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <thread>

#include "common/path.h"
#include "table/row_compare.h"

namespace silt {

Status RemoveIncompleteRowSet(Env* env, const std::string& dir) {
  const std::string tmp = RowSetTempDir(dir);
  if (!env->FileExists(tmp)) return Status::OK();
  SILT_RETURN_IF_ERROR(env->RemoveAll(tmp));
  return env->SyncDir(DirName(dir));
}

// The worker of background encoding: takes whole blocks (one vector per
// column) from a bounded queue, in order, and writes them with
// RowSetBuilder::WriteBlock. The vectors of written blocks are kept for reuse.
// Starts its thread in the constructor; the destructor stops it (dropping
// blocks still queued) and joins it.
class RowSetBuilder::BackgroundEncoder {
 public:
  BackgroundEncoder(RowSetBuilder* builder, size_t max_queued)
      : builder_(builder),
        max_queued_(max_queued == 0 ? 1 : max_queued),
        thread_([this] { Run(); }) {}
  ~BackgroundEncoder() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    work_cv_.notify_all();
    thread_.join();
  }
  BackgroundEncoder(const BackgroundEncoder&) = delete;
  BackgroundEncoder& operator=(const BackgroundEncoder&) = delete;

  // Queues *block (waiting while the queue is full) and replaces it with
  // empty vectors of the same types. The worker's error, if it has failed.
  Status Push(std::vector<ColumnVector>* block) {
    std::vector<ColumnVector> next;
    {
      std::unique_lock lock(mu_);
      done_cv_.wait(lock, [&] { return queue_.size() < max_queued_ || !error_.ok(); });
      if (!error_.ok()) return error_;
      queue_.push_back(std::move(*block));
      if (!free_.empty()) {
        next = std::move(free_.back());
        free_.pop_back();
      }
    }
    work_cv_.notify_one();
    if (next.empty()) {
      for (const ColumnVector& v : types_) next.emplace_back(v.type());
    }
    *block = std::move(next);
    return Status::OK();
  }

  // Waits until every queued block is written; the worker's error if any.
  Status Drain() {
    std::unique_lock lock(mu_);
    done_cv_.wait(lock, [&] { return (queue_.empty() && !busy_) || !error_.ok(); });
    return error_;
  }

  // The column types, for fresh vectors (set before the first Push).
  void SetTypes(const std::vector<ColumnVector>& like) {
    types_.clear();
    for (const ColumnVector& v : like) types_.emplace_back(v.type());
  }

 private:
  void Run() {
    std::unique_lock lock(mu_);
    while (true) {
      work_cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      std::vector<ColumnVector> block = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
      Status s;
      if (error_.ok()) {
        lock.unlock();
        s = builder_->WriteBlock(block, block.empty() ? 0 : block[0].size());
        for (ColumnVector& v : block) v.Clear();
        lock.lock();
      }
      busy_ = false;
      if (!s.ok() && error_.ok()) error_ = s;
      if (!error_.ok()) queue_.clear();  // nothing more is written
      free_.push_back(std::move(block));
      done_cv_.notify_all();
    }
  }

  RowSetBuilder* const builder_;
  const size_t max_queued_;
  std::vector<ColumnVector> types_;  // only the producer's thread
  std::mutex mu_;                    // guards the fields below
  std::condition_variable work_cv_;  // the worker waits for blocks or stop_
  std::condition_variable done_cv_;  // Push and Drain wait for the worker
  std::deque<std::vector<ColumnVector>> queue_;
  std::vector<std::vector<ColumnVector>> free_;  // written blocks' vectors, empty
  bool busy_ = false;                            // the worker is writing a block
  bool stop_ = false;
  Status error_;        // the first failure of WriteBlock
  std::thread thread_;  // last: starts once the fields above exist
};

RowSetBuilder::RowSetBuilder(Env* env, std::string dir, std::vector<ColumnDef> columns,
                             RowSetBuilderOptions options)
    : env_(env),
      dir_(std::move(dir)),
      tmp_(RowSetTempDir(dir_)),
      columns_(std::move(columns)),
      options_(std::move(options)),
      block_builder_(options_.block) {}

RowSetBuilder::~RowSetBuilder() {
  encoder_.reset();  // joins the worker before the files go away
  if (finished_) return;
  data_files_.clear();
  if (env_->FileExists(tmp_)) env_->RemoveAll(tmp_).ok();  // best effort
}

Result<std::unique_ptr<RowSetBuilder>> RowSetBuilder::Create(Env* env, const std::string& dir,
                                                             std::vector<ColumnDef> columns,
                                                             RowSetBuilderOptions options) {
  if (columns.empty() || columns.size() > kMaxRowSetColumns) {
    return Status::InvalidArgument(
        fmt::format("a rowset needs 1 to {} columns, not {}", kMaxRowSetColumns, columns.size()));
  }
  std::set<std::string> names;
  for (const auto& c : columns) {
    if (c.name.empty() || c.name.size() > 1024 || !names.insert(c.name).second) {
      return Status::InvalidArgument(fmt::format("bad or duplicate column name '{}'", c.name));
    }
  }
  if (options.block_rows == 0 || options.block_rows > kMaxBlockRows) {
    return Status::InvalidArgument(
        fmt::format("block_rows {} not in 1..{}", options.block_rows, kMaxBlockRows));
  }
  std::set<uint32_t> keys;
  for (uint32_t k : options.sort_key) {
    if (k >= columns.size() || !keys.insert(k).second) {
      return Status::InvalidArgument(fmt::format("bad sort key column {}", k));
    }
  }
  std::unique_ptr<RowSetBuilder> b(
      new RowSetBuilder(env, dir, std::move(columns), std::move(options)));
  Status s = b->Open();
  if (s.IsAlreadyExists()) b->finished_ = true;  // not ours: leave DIR and DIR.tmp alone
  if (!s.ok()) return s;                         // otherwise the destructor removes our DIR.tmp
  if (b->options_.background_encoding) b->StartBackgroundEncoding();
  return b;
}

Status RowSetBuilder::Open() {
  if (env_->FileExists(dir_)) return Status::AlreadyExists(dir_ + ": rowset already exists");
  if (env_->FileExists(tmp_)) SILT_RETURN_IF_ERROR(env_->RemoveAll(tmp_));
  SILT_RETURN_IF_ERROR(env_->CreateDir(tmp_));
  for (uint32_t c = 0; c < columns_.size(); ++c) {
    SILT_ASSIGN_OR_RETURN(
        auto f, env_->NewFile(JoinPath(tmp_, ColumnDataFileName(c)), OpenMode::kTruncate));
    data_files_.push_back(std::move(f));
    ColumnIndex idx;
    idx.column = c;
    idx.type = columns_[c].type;
    indexes_.push_back(std::move(idx));
    pending_.emplace_back(columns_[c].type);
    last_key_.emplace_back(columns_[c].type);
  }
  return Status::OK();
}

void RowSetBuilder::StartBackgroundEncoding() {
  if (encoder_ || finished_ || !error_.ok()) return;
  encoder_ = std::make_unique<BackgroundEncoder>(this, options_.background_queue_blocks);
  encoder_->SetTypes(pending_);
}

Status RowSetBuilder::Add(const std::vector<ColumnVector>& batch) {
  if (!error_.ok()) return error_;
  if (finished_) return Status::InvalidArgument("rowset builder already finished");
  Status s = AddChecked(batch);
  if (!s.ok()) error_ = s;
  return s;
}

Status RowSetBuilder::CheckOrder(const std::vector<ColumnVector>& batch) {
  const auto& key = options_.sort_key;
  const size_t n = batch[0].size();
  if (key.empty() || n == 0) return Status::OK();
  if (rows_ > 0 && CompareKeyRows(last_key_, 0, batch, 0, key) > 0) {
    return Status::InvalidArgument(
        fmt::format("row {} is out of sort-key order (before the previous row)", rows_));
  }
  for (size_t i = 1; i < n; ++i) {
    if (CompareKeyRows(batch, i - 1, batch, i, key) > 0) {
      return Status::InvalidArgument(
          fmt::format("row {} is out of sort-key order (before the previous row)", rows_ + i));
    }
  }
  for (uint32_t k : key) {
    last_key_[k].Clear();
    last_key_[k].AppendFrom(batch[k], n - 1, 1);
  }
  return Status::OK();
}

Status RowSetBuilder::AddChecked(const std::vector<ColumnVector>& batch) {
  if (batch.size() != columns_.size()) {
    return Status::InvalidArgument(
        fmt::format("batch of {} columns for a rowset of {}", batch.size(), columns_.size()));
  }
  const size_t n = batch[0].size();
  std::vector<uint32_t> string_columns;
  for (uint32_t c = 0; c < batch.size(); ++c) {
    if (!batch[c].type().SameValues(columns_[c].type)) {
      return Status::InvalidArgument(fmt::format("column {} ({}) given a {} vector",
                                                 columns_[c].name, columns_[c].type.ToString(),
                                                 batch[c].type().ToString()));
    }
    if (batch[c].size() != n) return Status::InvalidArgument("batch columns of unequal length");
    if (!columns_[c].type.nullable() && batch[c].has_nulls()) {
      return Status::InvalidArgument(fmt::format("null in not-null column {}", columns_[c].name));
    }
    if (batch[c].physical() == PhysicalType::kString) string_columns.push_back(c);
  }
  if (rows_ + n > kMaxRowSetRows) return Status::InvalidArgument("rowset above 2^32 - 1 rows");
  SILT_RETURN_IF_ERROR(CheckOrder(batch));

  size_t begin = 0;
  while (begin < n) {
    // Take rows until the block is full by rows or by string bytes.
    size_t room = options_.block_rows - pending_rows();
    size_t take = std::min(room, n - begin);
    if (!string_columns.empty()) {
      size_t t = 0;
      while (t < take && pending_string_bytes_ < options_.block_bytes) {
        for (uint32_t c : string_columns) {
          const uint32_t* off = batch[c].offsets();
          pending_string_bytes_ += off[begin + t + 1] - off[begin + t];
        }
        ++t;
      }
      take = t;
    }
    for (uint32_t c = 0; c < batch.size(); ++c) pending_[c].AppendFrom(batch[c], begin, take);
    begin += take;
    rows_ += take;
    if (pending_rows() == options_.block_rows || pending_string_bytes_ >= options_.block_bytes) {
      SILT_RETURN_IF_ERROR(FlushBlock());
    }
  }
  return Status::OK();
}

Status RowSetBuilder::FlushBlock() {
  const size_t n = pending_rows();
  if (n == 0) return Status::OK();
  pending_string_bytes_ = 0;
  if (encoder_) return encoder_->Push(&pending_);
  Status s = WriteBlock(pending_, n);
  for (ColumnVector& v : pending_) v.Clear();
  return s;
}

Status RowSetBuilder::WriteBlock(const std::vector<ColumnVector>& block, size_t n) {
  EncodedBlock encoded;
  for (uint32_t c = 0; c < columns_.size(); ++c) {
    ColumnIndex& idx = indexes_[c];
    SILT_RETURN_IF_ERROR(block_builder_.Build(block[c], 0, n, &encoded));
    BlockIndexEntry e;
    e.offset = idx.data_size();
    e.length = static_cast<uint32_t>(encoded.data.size());
    e.first_row = idx.row_count();
    e.stats = std::move(encoded.stats);
    SILT_RETURN_IF_ERROR(data_files_[c]->Append(encoded.data));
    idx.blocks.push_back(std::move(e));
  }
  return Status::OK();
}

namespace {
Status WriteAndSync(Env* env, const std::string& path, std::string_view data) {
  SILT_ASSIGN_OR_RETURN(auto f, env->NewFile(path, OpenMode::kTruncate));
  SILT_RETURN_IF_ERROR(f->Append(data));
  return f->Sync();
}
}  // namespace

Result<RowSetMeta> RowSetBuilder::Finish() {
  if (!error_.ok()) return error_;
  if (finished_) return Status::InvalidArgument("rowset builder already finished");
  auto fail = [&](Status s) {
    error_ = s;
    return s;
  };
  Status s = FlushBlock();
  if (s.ok() && encoder_) s = encoder_->Drain();
  encoder_.reset();
  if (!s.ok()) return fail(s);
  RowSetMeta meta;
  meta.rowset_id = options_.rowset_id;
  meta.row_count = rows_;
  meta.block_count = static_cast<uint32_t>(indexes_[0].blocks.size());
  meta.columns = columns_;
  meta.sort_key = options_.sort_key;
  for (uint32_t c = 0; c < columns_.size(); ++c) {
    s = data_files_[c]->Sync();
    if (!s.ok()) return fail(s);
    s = WriteAndSync(env_, JoinPath(tmp_, ColumnIndexFileName(c)), indexes_[c].Encode());
    if (!s.ok()) return fail(s);
  }
  data_files_.clear();
  s = WriteAndSync(env_, JoinPath(tmp_, std::string(kRowSetHeaderFileName)), meta.Encode());
  if (s.ok()) s = env_->SyncDir(tmp_);
  if (s.ok()) s = env_->RenameFile(tmp_, dir_);
  if (!s.ok()) return fail(s);
  // From here on the rowset is complete at dir_ (durable once the parent is
  // synced); never remove it.
  finished_ = true;
  SILT_RETURN_IF_ERROR(env_->SyncDir(DirName(dir_)));
  return meta;
}

}  // namespace silt
