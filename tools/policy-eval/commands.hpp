// The commands of policy-eval (docs/contract.md, Commands). Each add_* registers its subcommands on
// the application; when one of them runs, it stores its exit status in `status`. Bad input is
// thrown as CommandError and reaches main().
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace policy_eval {

// `query` and `batch`: JSON requests in, JSON answers out.
void add_json_commands(CLI::App& app, int& status);

// `audit FILE`: answers checked against expectations.
void add_audit_command(CLI::App& app, int& status);

// `tables [NAME]`: the documented tables as the engine holds them.
void add_tables_command(CLI::App& app, int& status);

// `fields [QUESTION]`: the inputs of each question, from its field schema.
void add_fields_command(CLI::App& app, int& status);

// `impersonation`, `token-level`, ...: one question asked with command-line flags.
void add_flag_commands(CLI::App& app, int& status);

// `why-not` and `analyze`: what would change an answer; whether the tables are whole.
void add_analysis_commands(CLI::App& app, int& status);

// `chain FILE`: identity flow across tiers, as text, JSON, DOT, SVG or Mermaid.
void add_chain_command(CLI::App& app, int& status);

// `scan PATH...`: a whole estate, linked into chains, reported as text, JSON, SARIF, JUnit, HTML,
// DOT or SVG.
void add_scan_command(CLI::App& app, int& status);

// `ad PATH...`: Active Directory facts imported from SharpHound or LDIF, printed normalized.
void add_ad_command(CLI::App& app, int& status);

// A subcommand with the options every command shares (--help is CLI11's; --version is added
// here because CLI11 does not pass it down to subcommands).
CLI::App* add_command(CLI::App& app, const std::string& name, const std::string& description);

}  // namespace policy_eval
