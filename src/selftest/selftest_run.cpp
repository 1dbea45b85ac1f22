#include "selftest/selftest_run.hpp"

#include <algorithm>
#include <exception>
#include <iomanip>
#include <sstream>

namespace meshsec::selftest {

SelftestRun run_suites(const SuiteContext& context, const std::vector<std::string>& only) {
  SelftestRun run;
  for (const auto& name : only) {
    const auto& suites = all_suites();
    if (std::none_of(suites.begin(), suites.end(), [&](const Suite& s) { return s.name == name; })) {
      FileResult unknown;
      unknown.file = "suite " + name;
      unknown.fail("no such suite");
      run.files.push_back(std::move(unknown));
    }
  }
  for (const auto& suite : all_suites()) {
    if (!only.empty() && std::find(only.begin(), only.end(), suite.name) == only.end()) continue;
    try {
      for (auto& file : suite.run(context)) run.files.push_back(std::move(file));
    } catch (const std::exception& e) {
      FileResult broken;
      broken.file = "suite " + suite.name;
      broken.fail(std::string("suite stopped: ") + e.what());
      run.files.push_back(std::move(broken));
    }
  }
  for (const auto& file : run.files) {
    run.total_vectors += file.total_vectors();
    run.failures += file.failures;
  }
  return run;
}

nlohmann::ordered_json selftest_json(const SelftestRun& run) {
  nlohmann::ordered_json files = nlohmann::ordered_json::array();
  for (const auto& f : run.files) {
    nlohmann::ordered_json entry;
    entry["file"] = f.file;
    entry["valid_passed"] = f.valid_passed;
    entry["invalid_rejected"] = f.invalid_rejected;
    entry["failures"] = f.failures;
    entry["negatives_rejected"] = f.negatives_rejected;
    entry["excluded"] = f.excluded;
    entry["not_applicable"] = f.not_applicable;
    if (!f.failure_details.empty()) entry["failure_details"] = f.failure_details;
    if (!f.notes.empty()) entry["notes"] = f.notes;
    files.push_back(std::move(entry));
  }
  nlohmann::ordered_json out;
  out["files"] = std::move(files);
  out["total_vectors"] = run.total_vectors;
  out["failures"] = run.failures;
  if (!run.notes.empty()) out["notes"] = run.notes;
  return out;
}

std::string selftest_table(const SelftestRun& run) {
  std::size_t width = 4;
  for (const auto& f : run.files) width = std::max(width, f.file.size());
  std::ostringstream out;
  auto row = [&](const std::string& file, const auto& valid, const auto& invalid, const auto& failed,
                 const auto& negatives, const auto& excluded, const auto& not_applicable) {
    out << std::left << std::setw(static_cast<int>(width)) << file << std::right << std::setw(8) << valid
        << std::setw(9) << invalid << std::setw(9) << failed << std::setw(11) << negatives << std::setw(10)
        << excluded << std::setw(6) << not_applicable << "\n";
  };
  row("file", "valid", "invalid", "failures", "negatives", "excluded", "n/a");
  std::size_t negatives = 0;
  for (const auto& f : run.files) {
    row(f.file, f.valid_passed, f.invalid_rejected, f.failures, f.negatives_rejected, f.excluded, f.not_applicable);
    negatives += f.negatives_rejected;
  }
  out << "\nvalid = valid vectors that matched; invalid = invalid vectors refused; negatives = mutated\n"
         "copies of valid vectors refused; excluded / n/a = documented in docs/test-vectors.md\n";
  bool header = false;
  for (const auto& f : run.files) {
    for (const auto& d : f.failure_details) {
      if (!header) out << "\nfailures:\n";
      header = true;
      out << "  " << f.file << ": " << d << "\n";
    }
    if (f.failures > f.failure_details.size())
      out << "  " << f.file << ": ... and " << (f.failures - f.failure_details.size()) << " more\n";
  }
  header = false;
  for (const auto& f : run.files)
    for (const auto& n : f.notes) {
      if (!header) out << "\nnotes:\n";
      header = true;
      out << "  " << f.file << ": " << n << "\n";
    }
  for (const auto& n : run.notes) out << "note: " << n << "\n";
  out << "\n" << run.total_vectors << " vectors run, " << negatives << " negative cases refused, " << run.failures
      << " failure" << (run.failures == 1 ? "" : "s") << "\n";
  return out.str();
}

}  // namespace meshsec::selftest
