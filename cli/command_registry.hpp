// Commands of the `meshsec` program register themselves here from their own cmd_*.cpp,
// so adding a command never touches main.cpp.
#pragma once
#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace meshsec::cli {

using CommandInstaller = std::function<void(CLI::App& root)>;

// Called from a static initialiser in each cmd_*.cpp. `order` sorts --help output.
bool register_command(int order, CommandInstaller installer);
void install_all_commands(CLI::App& root);

// Ends the program with an exit code from inside a command callback (process edge only).
[[noreturn]] void exit_with(int code);

}  // namespace meshsec::cli
