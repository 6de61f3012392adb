// `config FILE`: an answer for every endpoint of a WCF configuration file (wcfpolicy/config.hpp).
#pragma once

#include <CLI/CLI.hpp>

namespace policy_eval {

// Registers `config` on the application; when it runs, it stores its exit status in `status`.
void add_config_command(CLI::App& app, int& status);

}  // namespace policy_eval
