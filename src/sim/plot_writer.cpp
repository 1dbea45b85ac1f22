#include "sim/plot_writer.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace meshsec::sim {
namespace {

PlotResult render(const std::filesystem::path& script, const std::filesystem::path& png,
                  const std::filesystem::path& dir) {
  PlotResult result;
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) {
    result.message = "gnuplot not found (Debian package gnuplot-nox): data and script written, no PNG";
    return result;
  }
  const std::string command = "gnuplot '" + script.string() + "' 2>/dev/null";
  if (std::system(command.c_str()) != 0 || !std::filesystem::exists(png)) {
    result.message = "gnuplot failed; data and script are in " + dir.string();
    return result;
  }
  result.ok = true;
  result.png_path = png.string();
  return result;
}

// Where one plot's data, gnuplot script and image go.
struct PlotFiles {
  std::filesystem::path dir, data, script, png;
};
PlotFiles plot_files(const std::string& directory, const std::string& stem) {
  const std::filesystem::path dir(directory);
  return {dir, dir / (stem + ".dat"), dir / (stem + ".gp"), dir / (stem + ".png")};
}

}  // namespace

PlotResult write_coverage_plot(const RunReport& report, const std::string& directory) {
  const auto [dir, data, script, png] = plot_files(directory, "rollout_coverage");
  {
    std::ofstream out(data);
    out << "# seconds_since_injection coverage_percent\n";
    for (const auto& [t, c] : report.coverage_curve) out << t << ' ' << 100.0 * c << '\n';
  }
  {
    std::ofstream out(script);
    out << "set terminal pngcairo size 900,540 font 'sans,11' noenhanced\n"
        << "set output '" << png.string() << "'\n"
        << "set title 'Firmware rollout: " << report.nodes << " nodes, " << report.topology << " (seed " << report.seed
        << ")'\n"
        << "set xlabel 'seconds since the gateway injected the blob'\n"
        << "set ylabel 'nodes with the image verified and activated (%)'\n"
        << "set yrange [0:105]\nset grid\nset key bottom right\n";
    if (report.rollout.time_bound_s > 0)
      out << "set arrow from " << report.rollout.time_bound_s << ",0 to " << report.rollout.time_bound_s
          << ",100 nohead dt 2 lc rgb 'gray40'\n"
          << "set label 'time lower bound' at " << report.rollout.time_bound_s << ",50 left offset 0.5,0 tc rgb 'gray40'\n";
    out << "plot '" << data.string() << "' using 1:2 with lines lw 2 lc rgb '#1f77b4' title 'coverage'\n";
  }
  return render(script, png, dir);
}

PlotResult write_survey_plot(const RunReport& report, const std::string& directory) {
  const auto [dir, data, script, png] = plot_files(directory, "link_survey");
  {
    std::ofstream out(data);
    out << "# radio_model_loss_percent estimated_loss_percent\n";
    for (const auto& [model, estimate] : report.rollout.survey_estimates) out << 100 * model << ' ' << 100 * estimate << '\n';
  }
  const double g = 100 * report.rollout.survey_good_link_loss;
  {
    std::ofstream out(script);
    out << "set terminal pngcairo size 700,640 font 'sans,11' noenhanced\n"
        << "set output '" << png.string() << "'\n"
        << "set title 'Link survey: " << report.rollout.survey_estimates.size() << " links, " << report.nodes
        << " nodes (seed " << report.seed << ")'\n"
        << "set xlabel 'loss in the radio model (%)'\nset ylabel 'loss the nodes measured (%)'\n"
        << "set xrange [0:40]\nset yrange [0:40]\nset size square\nset grid\nset key bottom right\n"
        << "set arrow from " << g << ",0 to " << g << ",40 nohead dt 2 lc rgb 'gray40'\n"
        << "set arrow from 0," << g << " to 40," << g << " nohead dt 2 lc rgb 'gray40'\n"
        << "set label 'good-link threshold' at " << g << ",38 left offset 0.5,0 tc rgb 'gray40'\n"
        << "plot '" << data.string() << "' using 1:2 with points pt 7 ps 0.4 lc rgb '#1f77b4' title 'links', "
        << "x with lines lc rgb 'gray20' title 'estimate = model'\n";
  }
  return render(script, png, dir);
}

}  // namespace meshsec::sim
