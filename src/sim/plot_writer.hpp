// Renders the run's plots to PNG with gnuplot (Debian gnuplot-nox): the data and the
// script are written next to each image so the plot can be re-made by hand.
#pragma once
#include <string>

#include "sim/run_report.hpp"

namespace meshsec::sim {

struct PlotResult {
  bool ok = false;
  std::string png_path;
  std::string message;  // why not, when !ok (e.g. gnuplot missing)
};

// Rollout coverage over time, with the time bound marked.
[[nodiscard]] PlotResult write_coverage_plot(const RunReport& report, const std::string& directory);
// The link survey: each link's estimated loss against the radio model's, with the planner's
// good-link threshold marked.
[[nodiscard]] PlotResult write_survey_plot(const RunReport& report, const std::string& directory);

}  // namespace meshsec::sim
