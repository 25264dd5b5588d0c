// RawBuffer: a growable byte buffer that does not initialise what it grows.
//
// Column vectors are filled by decoders that overwrite every byte, so the
// zero-filling of std::vector/std::string resize would be a wasted pass over
// the data on the hot scan path. Memory comes from malloc (suitably aligned
// for any scalar), so typed access through as<T>() is well defined for the
// implicit-lifetime types silt stores (integers, doubles, bytes).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

namespace silt {

class RawBuffer {
 public:
  RawBuffer() = default;
  ~RawBuffer() { std::free(data_); }
  RawBuffer(const RawBuffer& o) { *this = o; }
  RawBuffer& operator=(const RawBuffer& o) {
    if (this != &o) {
      size_ = 0;
      Reserve(o.size_);
      if (o.size_ > 0) std::memcpy(data_, o.data_, o.size_);
      size_ = o.size_;
    }
    return *this;
  }
  RawBuffer(RawBuffer&& o) noexcept
      : data_(std::exchange(o.data_, nullptr)),
        size_(std::exchange(o.size_, 0)),
        capacity_(std::exchange(o.capacity_, 0)) {}
  RawBuffer& operator=(RawBuffer&& o) noexcept {
    if (this != &o) {
      std::free(data_);
      data_ = std::exchange(o.data_, nullptr);
      size_ = std::exchange(o.size_, 0);
      capacity_ = std::exchange(o.capacity_, 0);
    }
    return *this;
  }

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  template <typename T>
  T* as() {
    return reinterpret_cast<T*>(data_);
  }
  template <typename T>
  const T* as() const {
    return reinterpret_cast<const T*>(data_);
  }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }

  void Clear() { size_ = 0; }
  void Reserve(size_t bytes) {
    if (bytes <= capacity_) return;
    size_t cap = capacity_ < 64 ? 64 : capacity_;
    while (cap < bytes) cap *= 2;
    // realloc keeps the old contents; new bytes stay uninitialised.
    void* p = std::realloc(data_, cap);
    if (p == nullptr) throw std::bad_alloc();
    data_ = static_cast<uint8_t*>(p);
    capacity_ = cap;
  }
  // Grows or shrinks to `bytes`; new bytes are uninitialised.
  void Resize(size_t bytes) {
    Reserve(bytes);
    size_ = bytes;
  }
  // Appends n uninitialised bytes and returns where they start.
  uint8_t* Extend(size_t n) {
    Reserve(size_ + n);
    uint8_t* p = data_ + size_;
    size_ += n;
    return p;
  }
  void Append(const void* src, size_t n) {
    if (n == 0) return;
    std::memcpy(Extend(n), src, n);
  }

 private:
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace silt
