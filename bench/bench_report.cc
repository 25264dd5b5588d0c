#include "bench_report.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/format.h>

namespace silt::bench {

double Since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void Progress(const std::string& what) {
  std::time_t now = std::time(nullptr);
  char stamp[16];
  std::strftime(stamp, sizeof(stamp), "%H:%M:%S", std::gmtime(&now));
  std::fprintf(stderr, "[%s] %s\n", stamp, what.c_str());
}

std::string Num(double v) {
  if (v >= 100) return fmt::format("{:.0f}", v);
  if (v >= 10) return fmt::format("{:.1f}", v);
  return fmt::format("{:.2f}", v);
}

std::string Met(bool met) { return met ? "**met**" : "**missed**"; }

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

std::string MachineDescription() {
  std::time_t now = std::time(nullptr);
  char date[32];
  std::strftime(date, sizeof(date), "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  utsname u{};
  ::uname(&u);
  return fmt::format("Date: {}; {} CPUs; kernel {}; ", date, std::thread::hardware_concurrency(),
                     u.release);
}

std::string CreateRunDirectory(const std::string& parent, const std::string& name) {
  std::string base = parent;
  if (base.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    base = tmp && *tmp ? tmp : "/tmp";
  }
  const std::string root = fmt::format("{}/{}.{}", base, name, ::getpid());
  std::error_code ec;
  std::filesystem::create_directories(root, ec);
  if (ec) {
    std::fprintf(stderr, "%s: cannot create %s: %s\n", name.c_str(), root.c_str(),
                 ec.message().c_str());
    return "";
  }
  return root;
}

std::string BuildDescription() {
#ifdef NDEBUG
  return "Build: optimised, NDEBUG.";
#else
  return "Build: NOT optimised (assertions on); numbers are not representative.";
#endif
}

}  // namespace silt::bench
