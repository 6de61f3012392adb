// policy-eval: the command line of the WCF impersonation and delegation policy engine
// (docs/contract.md). It parses arguments, calls the engine's public API and prints; it holds no rule.
// This file owns the edge: every exception of a command, of CLI11 and of the output ends here as
// a message on standard error and an exit status.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "command_error.hpp"
#include "commands.hpp"
#include "config_command.hpp"
#include "wcfpolicy/policy.hpp"

namespace policy_eval {

namespace {

void add_version_flag(CLI::App& command) {
  command.set_version_flag("--version", fmt::format("policy-eval {}", wcfpolicy::version()),
                           "Print the version and exit");
}

}  // namespace

CLI::App* add_command(CLI::App& app, const std::string& name, const std::string& description) {
  CLI::App* command = app.add_subcommand(name, description);
  add_version_flag(*command);
  return command;
}

namespace {

std::vector<std::string> command_names(CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* command : app.get_subcommands([](CLI::App*) { return true; })) {
    names.push_back(command->get_name());
  }
  return names;
}

void print_error(std::string_view message) {
  // A message may quote raw input (a file name, an argument): show bytes that are not UTF-8 as \xHH.
  std::fputs(fmt::format("policy-eval: error: {}\n", wcfpolicy::escape_invalid_utf8(message)).c_str(),
             stderr);
}

// CLI11 would call an unknown command an unexpected argument; say what it is instead.
bool is_unknown_command(CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-' || argv[1][0] == '\0') return false;
  const std::vector<std::string> names = command_names(app);
  if (std::ranges::find(names, std::string(argv[1])) != names.end()) return false;
  print_error(fmt::format("unknown command \"{}\" (commands: {})", argv[1], fmt::join(names, ", ")));
  std::fputs("Run 'policy-eval --help' for usage.\n", stderr);
  return true;
}

// A usage error: CLI11's message, and where to read the usage of the command at hand.
int usage_error(CLI::App& app, const CLI::ParseError& error) {
  const std::vector<CLI::App*> parsed = app.get_subcommands();
  const std::string command = parsed.empty() ? "" : parsed.front()->get_name() + " ";
  const bool no_command = parsed.empty() && dynamic_cast<const CLI::RequiredError*>(&error) != nullptr;
  print_error(no_command
                  ? fmt::format("a command is required (commands: {})", fmt::join(command_names(app), ", "))
                  : std::string(error.what()));
  std::fputs(fmt::format("Run 'policy-eval {}--help' for usage.\n", command).c_str(), stderr);
  return kBadInput;
}

void describe_application(CLI::App& app) {
  add_version_flag(app);
  app.require_subcommand(1);
  // Set after the commands are added: CLI11 copies a footer into subcommands made after it.
  app.footer(
      "A request is a JSON object (query, batch, audit), or flags (impersonation ... winrm-config).\n"
      "Exit status: 0 every request answered; 1 audit found a difference; 2 bad input or usage\n"
      "(in batch, after every line is answered); 141 the output was closed (as after SIGPIPE).\n"
      "Run 'policy-eval COMMAND --help' for a command's options and an example.");
}

int run(int argc, char** argv) {
  CLI::App app{
      "Answers questions about WCF impersonation and delegation (and WinRM through a proxy) from the "
      "documented tables, naming the rows that decide each answer.",
      "policy-eval"};
  int status = kAnswered;
  add_json_commands(app, status);
  add_audit_command(app, status);
  add_tables_command(app, status);
  add_fields_command(app, status);
  add_flag_commands(app, status);
  add_config_command(app, status);
  add_analysis_commands(app, status);
  add_chain_command(app, status);
  add_ad_command(app, status);
  add_scan_command(app, status);
  describe_application(app);
  if (is_unknown_command(app, argc, argv)) return kBadInput;
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& done) {  // --help or --version
    return app.exit(done);
  } catch (const CLI::ParseError& error) {
    return usage_error(app, error);
  }
  return status;
}

}  // namespace
}  // namespace policy_eval

int main(int argc, char** argv) {
  // A closed standard output shows up as EPIPE on write, where the command can stop quietly.
  std::signal(SIGPIPE, SIG_IGN);
  try {
    return policy_eval::run(argc, argv);
  } catch (const policy_eval::CommandError& error) {
    policy_eval::print_error(error.what());
    if (!error.hint().empty()) std::fputs((error.hint() + '\n').c_str(), stderr);
    return policy_eval::kBadInput;
  } catch (const policy_eval::StdoutClosed&) {
    return policy_eval::kStdoutClosed;
  } catch (const std::exception& error) {
    policy_eval::print_error(fmt::format("internal error: {}", error.what()));
    return policy_eval::kBadInput;
  }
}
