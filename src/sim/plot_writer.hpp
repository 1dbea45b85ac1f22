// Renders the rollout coverage curve to a PNG with gnuplot (Debian gnuplot-nox): the data
// and the script are written next to the image so the plot can be re-made by hand.
#pragma once
#include <string>

#include "sim/run_report.hpp"

namespace meshsec::sim {

struct PlotResult {
  bool ok = false;
  std::string png_path;
  std::string message;  // why not, when !ok (e.g. gnuplot missing)
};

[[nodiscard]] PlotResult write_coverage_plot(const RunReport& report, const std::string& directory);

}  // namespace meshsec::sim
