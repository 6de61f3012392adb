// `chain FILE|-`: one `chain` request (identity flow across tiers) answered as text, JSON, DOT,
// SVG or Mermaid (docs/contract.md, "`chain` and `ad` on the command line"). It parses, calls
// the engine and wcfpolicy::graph, and prints; it holds no rule.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "chain_command.hpp"
#include "command_error.hpp"
#include "commands.hpp"
#include "json_reader.hpp"
#include "streams.hpp"
#include "wcfpolicy/ad_import.hpp"
#include "wcfpolicy/graph.hpp"
#include "wcfpolicy/policy.hpp"

namespace policy_eval {
namespace {

struct ChainOptions {
  std::string file = "-";
  std::vector<std::string> ad_paths;
  std::string format = "text";
  bool json = false;
  bool explain = false;
  std::string output;
};

std::string text_of(const wcfpolicy::ChainEdge& edge) {
  if (!edge.reaches) {
    return fmt::format("-> {}: blocked by {}{}", edge.to, edge.blocked_by,
                       edge.leg ? fmt::format(" (leg {})", name(*edge.leg)) : std::string());
  }
  return fmt::format("-> {}: {} over {}", edge.to, edge.means ? name(*edge.means) : "?",
                     edge.leg ? name(*edge.leg) : "?");
}

void findings_text(std::string& out, const std::vector<wcfpolicy::ChainFinding>& findings) {
  for (const wcfpolicy::ChainFinding& f : findings)
    out += fmt::format("  {} {}: {}\n", name(f.severity), f.rule, f.message);
}

std::string chain_text(const wcfpolicy::ChainAnswer& a) {
  std::string out = fmt::format("client {}\n  {}\n", a.client_account, text_of(a.client_next));
  for (const wcfpolicy::ChainHopAnswer& hop : a.hops) {
    out += fmt::format("{} ({}, {})\n", hop.name, hop.host, hop.account);
    if (!hop.reached) {
      out += "  not reached\n";
      continue;
    }
    out += fmt::format("  inbound {}; status {}; mechanism {}; {}; token level {}\n", name(*hop.inbound),
                       name(*hop.status), name(*hop.mechanism),
                       hop.impersonates.value_or(false) ? "impersonates" : "does not impersonate",
                       hop.token_level ? name(*hop.token_level) : "none");
    if (hop.delegation_capable) {
      out += fmt::format("  delegation_capable {} ({})\n", *hop.delegation_capable ? "true" : "false",
                         hop.delegation_capable_source ? name(*hop.delegation_capable_source) : "declared");
    }
    if (hop.next) out += "  " + text_of(*hop.next) + "\n";
    if (!hop.transited_services.empty())
      out += fmt::format("  transited services: {}\n", fmt::join(hop.transited_services, ", "));
    out += fmt::format("  rules: {}\n", fmt::join(hop.rules, " "));
    findings_text(out, hop.findings);
  }
  if (a.backend) {
    out += fmt::format("{} ({}, {}, {})\n  {}\n", a.backend->name, a.backend->host, a.backend->account,
                       name(a.backend->kind), a.backend->reached ? "reached" : "not reached");
  }
  if (!a.findings.empty()) {
    out += "chain findings:\n";
    findings_text(out, a.findings);
  }
  if (a.first_block) {
    out += fmt::format("verdict: blocked at {} -> {} by {}\n", a.first_block->from, a.first_block->to,
                       a.first_block->rule);
  } else if (a.backend) {
    out += fmt::format("verdict: the client's identity reaches {}\n", a.backend->name);
  } else {
    out += fmt::format("verdict: the client's identity reaches {}\n", a.hops.back().name);
  }
  if (a.explain == wcfpolicy::Explain::yes) {
    out += "explanation:\n";
    std::size_t n = 0;
    for (const wcfpolicy::ChainStep& step : a.steps) {
      out += fmt::format("  {:>2}. [{}] {}{}: {}\n", ++n, step.element, step.rule,
                         step.taken ? "" : " (not taken)", step.text);
      for (const wcfpolicy::ChainRead& read : step.reads) {
        out += fmt::format("        read {} = {}{}{}\n", read.field, read.value,
                           read.source.empty() ? "" : " (" + read.source + ")",
                           read.defaulted ? " (default)" : "");
      }
    }
  }
  return out;
}

void write_output(const ChainOptions& options, const std::string& text) {
  if (options.output.empty() || options.output == "-") {
    Output out;
    out.write(text);
    out.flush();
    return;
  }
  std::ofstream file(options.output, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (!file) throw CommandError(fmt::format("-o {}: cannot write the file", options.output));
}

int run_chain(const ChainOptions& options) {
  InputSource input(options.file);
  const std::string text = input.read_all(kMaxRequestBytes);
  if (is_blank(text)) throw CommandError("no request: the input is empty");
  const std::string format = options.json ? "json" : options.format;

  // A first reading: does the request carry inline facts? (--ad is not consulted then.)
  wcfpolicy::JsonOptions json_options{.explain = options.explain};
  auto parsed = wcfpolicy::parse_request(text, json_options);
  if (auto* error = std::get_if<wcfpolicy::RequestError>(&parsed)) throw CommandError(error->message);
  auto* request = std::get_if<wcfpolicy::ChainRequest>(&std::get<wcfpolicy::Request>(parsed));
  if (request == nullptr) {
    throw CommandError("question: `chain` answers a request whose question is \"chain\"",
                       "Ask other questions with 'policy-eval query'.");
  }
  wcfpolicy::ad::Facts imported;
  if (!options.ad_paths.empty()) {
    if (!request->ad) imported = import_ad_for_chain(options.ad_paths);
    request->imported_ad = &imported;
  }
  const auto explain = options.explain ? wcfpolicy::Explain::yes : wcfpolicy::Explain::no;
  wcfpolicy::Result<wcfpolicy::ChainAnswer> answer = wcfpolicy::decide_chain(*request, explain);
  if (!answer) throw CommandError(wcfpolicy::detail::describe_chain_error(answer.error(), *request).message);

  std::string out;
  if (format == "json") {
    wcfpolicy::append_answer_json(out, wcfpolicy::Answer{std::move(answer.value())}, json_options);
    out += '\n';
  } else if (format == "dot") {
    out = wcfpolicy::graph::chain_dot(answer.value());
  } else if (format == "mermaid") {
    out = wcfpolicy::graph::chain_mermaid(answer.value());
  } else if (format == "svg") {
    std::string error;
    if (!wcfpolicy::graph::render_svg(wcfpolicy::graph::chain_dot(answer.value()), out, error)) {
      throw CommandError("svg: " + error);
    }
  } else {
    out = chain_text(answer.value());
  }
  write_output(options, out);
  return kAnswered;
}

}  // namespace

wcfpolicy::ad::Facts import_ad_for_chain(const std::vector<std::string>& paths) {
  auto imported = wcfpolicy::ad_import::import_ad(paths);
  if (auto* error = std::get_if<wcfpolicy::ad_import::ImportError>(&imported)) {
    throw CommandError("--ad: " + wcfpolicy::ad_import::to_string(*error));
  }
  return std::get<wcfpolicy::ad::Facts>(std::move(imported));
}

void add_ad_option(CLI::App& command, std::vector<std::string>& paths) {
  command
      .add_option("--ad", paths,
                  "Active Directory facts (SharpHound .zip/.json, LDIF, or a directory of them) for chain "
                  "requests without inline \"ad\"; repeatable")
      ->type_name("PATH");
}

void add_chain_command(CLI::App& app, int& status) {
  auto options = std::make_shared<ChainOptions>();
  CLI::App* chain = add_command(
      app, "chain", "Follow the client's identity across tiers: one `chain` request (CH and AD rules)");
  chain->add_option("FILE", options->file, "The chain request; - or nothing for standard input")
      ->type_name("");
  add_ad_option(*chain, options->ad_paths);
  chain->add_option("--format", options->format, "text (default), json, dot, svg or mermaid")
      ->check(CLI::IsMember({"text", "json", "dot", "svg", "mermaid"}))
      ->type_name("FORMAT");
  chain->add_flag("--json", options->json, "The same as --format json");
  chain->add_flag("--explain", options->explain,
                  "Add the steps taken, each with its rule and the facts it read (with their provenance)");
  chain->add_option("-o", options->output, "Write to FILE instead of standard output")->type_name("FILE");
  chain->footer(
      "A chain request: {\"question\":\"chain\",\"client\":{\"account\":...,\"outbound\":{...}},\n"
      "\"hops\":[{\"name\",\"host\",\"run_as\",\"scenario\",\"outbound\"}...],\"backend\":{...},\"ad\":{...}}"
      ".\n"
      "A blocked identity is still an answer (exit 0); bad input exits with 2.\n\n"
      "Example:\n"
      "  policy-eval chain data/estate/chains/2-alice-over-ntlm.json --format svg -o chain.svg\n");
  chain->callback([options, &status] { status = run_chain(*options); });
}

}  // namespace policy_eval
