// `meshsec selftest`: runs every known-answer suite (NIST CAVP and RFC vectors from
// python3-cryptography-vectors, Wycheproof and other public vectors from the shared folder)
// through meshsec's own crypto layer, and fails on any mismatch.
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "command_registry.hpp"
#include "selftest/selftest_run.hpp"
#include "selftest/vector_locations.hpp"

namespace {

struct SelftestOptions {
  std::string vectors;
  std::string cryptography_vectors;
  std::vector<std::string> suites;
  bool json = false;
  bool list = false;
};

void run_selftest(const SelftestOptions& options) {
  namespace st = meshsec::selftest;
  if (options.list) {
    for (const auto& suite : st::all_suites()) std::cout << suite.name << "\n";
    return;
  }
  st::SuiteContext context;
  context.shared_vectors = options.vectors.empty() ? st::default_shared_vectors() : std::filesystem::path(options.vectors);
  context.cryptography_vectors =
      options.cryptography_vectors.empty() ? st::default_cryptography_vectors() : std::filesystem::path(options.cryptography_vectors);
  std::vector<std::string> notes;
  std::error_code ec;
  if (context.shared_vectors.empty() || !std::filesystem::is_directory(context.shared_vectors, ec)) {
    notes.push_back("shared vectors folder " +
                    (context.shared_vectors.empty() ? std::string("not found (no ../shared/vectors beside the checkout)")
                                                    : "'" + context.shared_vectors.string() + "' is absent") +
                    ": Wycheproof and other shared-vector suites report nothing; use --vectors DIR or MESHSEC_VECTORS");
    context.shared_vectors.clear();
  }
  st::SelftestRun run = st::run_suites(context, options.suites);
  run.notes = notes;
  if (options.json) {
    for (const auto& n : notes) std::cerr << "note: " << n << "\n";
    std::cout << st::selftest_json(run).dump() << "\n";
  } else {
    std::cout << "vectors: shared=" << (context.shared_vectors.empty() ? "(none)" : context.shared_vectors.string())
              << " cryptography_vectors=" << context.cryptography_vectors.string() << "\n\n"
              << st::selftest_table(run);
  }
  if (run.failures != 0) meshsec::cli::exit_with(1);
}

const bool registered = meshsec::cli::register_command(10, [](CLI::App& root) {
  auto options = std::make_shared<SelftestOptions>();
  auto* cmd = root.add_subcommand(
      "selftest",
      "Run the known-answer test suites (NIST CAVP, RFC, Wycheproof vectors) through meshsec's crypto layer");
  cmd->footer(
      "Vector folders: --vectors defaults to $MESHSEC_VECTORS, else the first ../shared/vectors found\n"
      "walking up from the folder of the meshsec program (the shared folder beside the source checkout);\n"
      "when none is found the Wycheproof suites report nothing and a note is printed.\n"
      "--cryptography-vectors defaults to $MESHSEC_CAVP_VECTORS, else\n"
      "/usr/lib/python3/dist-packages/cryptography_vectors (Debian python3-cryptography-vectors);\n"
      "when that is missing every CAVP file is a failure.\n"
      "Exit status: 0 when every vector behaved as expected, 1 otherwise.");
  cmd->add_option("--vectors", options->vectors, "Shared vectors folder (holding wycheproof/, noise/, ...)");
  cmd->add_option("--cryptography-vectors", options->cryptography_vectors,
                  "Root of python3-cryptography-vectors (holding ciphers/, CMAC/, KDF/, ...)");
  cmd->add_option("--suite", options->suites, "Run only this suite (repeatable; see --list)");
  cmd->add_flag("--list", options->list, "List the suites and exit");
  cmd->add_flag("--json", options->json,
                "Print {\"files\":[{\"file\",\"valid_passed\",\"invalid_rejected\",\"failures\",...}],"
                "\"total_vectors\",\"failures\"}");
  cmd->callback([options] { run_selftest(*options); });
});

}  // namespace
