#include "sim/run_output.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>

#include "sim/plot_writer.hpp"

namespace meshsec::sim {

int emit_run(const RunReport& report, const OutputOptions& options) {
  auto j = to_json(report);
  std::string plot_note;
  if (!options.report_dir.empty()) {
    std::filesystem::create_directories(options.report_dir);
    const auto plot = report.rollout.ran ? write_coverage_plot(report, options.report_dir) : PlotResult{};
    j["artefacts"] = {{"plot_png", plot.ok ? plot.png_path : ""}, {"plot_note", plot.message}};
    std::string survey_png;
    if (!report.rollout.survey_estimates.empty()) {
      const auto survey = write_survey_plot(report, options.report_dir);
      if (survey.ok) survey_png = survey.png_path;
      j["artefacts"]["survey_plot_png"] = survey_png;
    }
    const auto path = std::filesystem::path(options.report_dir) / "report.json";
    std::ofstream out(path);
    if (!out) throw std::runtime_error("cannot write " + path.string());
    out << j.dump(2) << '\n';
    plot_note = plot.ok ? "plot:   " + plot.png_path : "plot:   none (" + plot.message + ")";
    if (!survey_png.empty()) plot_note += "\nplot:   " + survey_png;
    if (!options.json) {
      std::cout << summary_table(report);
      std::cout << "report: " << path.string() << '\n' << plot_note << '\n';
    }
  } else if (!options.json) {
    std::cout << summary_table(report);
  }
  if (options.json) std::cout << j.dump(2) << '\n';
  if (!plot_note.empty() && plot_note.find("none") != std::string::npos) std::cerr << plot_note << '\n';
  for (const auto& [name, a] : report.attacks)
    if (a.succeeded > 0) return 3;
  return 0;
}

}  // namespace meshsec::sim
