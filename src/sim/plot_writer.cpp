#include "sim/plot_writer.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace meshsec::sim {

PlotResult write_coverage_plot(const RunReport& report, const std::string& directory) {
  namespace fs = std::filesystem;
  PlotResult result;
  const fs::path dir(directory);
  const fs::path data = dir / "rollout_coverage.dat";
  const fs::path script = dir / "rollout_coverage.gp";
  const fs::path png = dir / "rollout_coverage.png";
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
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) {
    result.message = "gnuplot not found (Debian package gnuplot-nox): data and script written, no PNG";
    return result;
  }
  const std::string command = "gnuplot '" + script.string() + "' 2>/dev/null";
  if (std::system(command.c_str()) != 0 || !fs::exists(png)) {
    result.message = "gnuplot failed; data and script are in " + dir.string();
    return result;
  }
  result.ok = true;
  result.png_path = png.string();
  return result;
}

}  // namespace meshsec::sim
