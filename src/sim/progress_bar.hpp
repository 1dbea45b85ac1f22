// A one-line progress bar on stderr for long runs (phase name and fraction); on a
// non-terminal it prints one line per phase instead.
#pragma once
#include <string>

namespace meshsec::sim {

class ProgressBar {
 public:
  explicit ProgressBar(bool enabled);
  ~ProgressBar();
  void update(const std::string& phase, double fraction);
  void finish();

 private:
  bool enabled_;
  bool tty_;
  std::string phase_;
  int last_percent_ = -1;
};

}  // namespace meshsec::sim
