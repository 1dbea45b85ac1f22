// What `meshsec demo` and `meshsec simulate` do after a run: DIR/report.json, the
// coverage plot, and the summary table (or the JSON) on stdout.
#pragma once
#include <string>

#include "sim/run_report.hpp"

namespace meshsec::sim {

struct OutputOptions {
  std::string report_dir;  // empty: no files
  bool json = false;
};

// Writes the artefacts and prints; returns the process exit code: 0, or 3 when an
// attack succeeded (the run itself completed).
[[nodiscard]] int emit_run(const RunReport& report, const OutputOptions& options);

}  // namespace meshsec::sim
