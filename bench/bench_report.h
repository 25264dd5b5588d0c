// Small helpers every benchmark in bench/ shares: timing, progress lines on
// stderr, number formatting for the Markdown tables, and the description of
// the machine and build that heads each report.
#pragma once

#include <chrono>
#include <string>

namespace silt::bench {

// Seconds since `start`.
double Since(std::chrono::steady_clock::time_point start);
// "[HH:MM:SS] what" on stderr.
void Progress(const std::string& what);
// A number with 0-2 decimals depending on its size.
std::string Num(double v);
// "**met**" or "**missed**".
std::string Met(bool met);
// The 1, 5 and 15 minute load averages from /proc/loadavg.
std::string LoadAverage();
// "Date: ...; N CPUs; kernel ...; " (UTC date, CPU count, kernel release).
std::string MachineDescription();
// Creates PARENT/NAME.PID (PARENT empty: $TMPDIR or /tmp) for a run's data;
// prints the error and returns "" if it cannot.
std::string CreateRunDirectory(const std::string& parent, const std::string& name);
// "Build: optimised, NDEBUG." or a warning that the build is not optimised.
std::string BuildDescription();

}  // namespace silt::bench
