// The `meshsec` command: factory, network, firmware and simulation tools in one program.
#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>

#include "command_registry.hpp"

int main(int argc, char** argv) {
  CLI::App app{"meshsec — security for low-power wireless sensor meshes, from factory to cloud"};
  app.set_version_flag("--version", std::string("meshsec ") + MESHSEC_VERSION);
  app.require_subcommand(1);
  meshsec::cli::install_all_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::cerr << "meshsec: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
