#include "sim/progress_bar.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace meshsec::sim {

ProgressBar::ProgressBar(bool enabled) : enabled_(enabled), tty_(isatty(STDERR_FILENO) != 0) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::update(const std::string& phase, double fraction) {
  if (!enabled_) return;
  const int percent = static_cast<int>(std::clamp(fraction, 0.0, 1.0) * 100.0);
  if (phase == phase_ && percent == last_percent_) return;
  const bool new_phase = phase != phase_;
  phase_ = phase;
  last_percent_ = percent;
  if (tty_) {
    constexpr int width = 30;
    const int filled = percent * width / 100;
    std::fprintf(stderr, "\r  [%.*s%*s] %3d%%  %-28s", filled, "##############################", width - filled, "",
                 percent, phase.c_str());
    std::fflush(stderr);
  } else if (new_phase) {
    std::fprintf(stderr, "  ... %s\n", phase.c_str());
  }
}

void ProgressBar::finish() {
  if (enabled_ && tty_ && !phase_.empty()) std::fprintf(stderr, "\n");
  phase_.clear();
  enabled_ = false;
}

}  // namespace meshsec::sim
