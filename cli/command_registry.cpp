#include "command_registry.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace meshsec::cli {
namespace {
std::vector<std::pair<int, CommandInstaller>>& installers() {
  static std::vector<std::pair<int, CommandInstaller>> list;
  return list;
}
}  // namespace

bool register_command(int order, CommandInstaller installer) {
  installers().emplace_back(order, std::move(installer));
  return true;
}

void install_all_commands(CLI::App& root) {
  auto& list = installers();
  std::stable_sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [order, install] : list) install(root);
}

void exit_with(int code) { throw CLI::RuntimeError(code); }

}  // namespace meshsec::cli
