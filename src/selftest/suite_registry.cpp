#include "selftest/suite_registry.hpp"

#include <algorithm>
#include <utility>

namespace meshsec::selftest {
namespace {
std::vector<Suite>& suites() {
  static std::vector<Suite> list;
  return list;
}
}  // namespace

bool register_suite(std::string name, SuiteRunner runner) {
  auto& list = suites();
  list.push_back(Suite{std::move(name), std::move(runner)});
  std::sort(list.begin(), list.end(), [](const Suite& a, const Suite& b) { return a.name < b.name; });
  return true;
}

const std::vector<Suite>& all_suites() { return suites(); }

}  // namespace meshsec::selftest
