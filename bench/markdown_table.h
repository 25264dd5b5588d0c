// A text table printed as Markdown with aligned columns, so the benchmark's
// output can be pasted into docs/benchmarks.md as it is.
#pragma once

#include <string>
#include <vector>

namespace silt::bench {

class MarkdownTable {
 public:
  explicit MarkdownTable(std::vector<std::string> header) : header_(std::move(header)) {}

  // Missing cells are left empty; extra cells are dropped.
  void AddRow(std::vector<std::string> row);
  std::string ToString() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace silt::bench
