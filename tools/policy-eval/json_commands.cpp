// `query` and `batch`: requests as JSON through wcfpolicy::evaluate_json, answers as JSON lines.
#include <fmt/format.h>

#include <iterator>
#include <memory>
#include <optional>
#include <string>

#include "command_error.hpp"
#include "commands.hpp"
#include "streams.hpp"
#include "wcfpolicy/policy.hpp"

namespace policy_eval {
namespace {

struct JsonCommandOptions {
  std::string file = "-";
  bool explain = false;
};

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t\r\n\f\v") == std::string_view::npos;
}

// One request in, one answer line out. The answer is built whole before anything is written.
int run_query(const JsonCommandOptions& options) {
  InputSource input(options.file);
  const std::string request = input.read_all(kMaxRequestBytes);
  if (is_blank(request)) throw CommandError("no request: the input is empty");
  std::string answer;
  if (auto error = wcfpolicy::evaluate_json(request, answer, {.explain = options.explain})) {
    throw CommandError(error->message);
  }
  answer += '\n';
  Output out;
  out.write(answer);
  out.flush();
  return kAnswered;
}

// {"line":N,"error":{...}}: a bad line's place in the output.
void append_line_error(std::string& out, std::size_t line_number, const wcfpolicy::RequestError& error) {
  fmt::format_to(std::back_inserter(out), "{{\"line\":{},\"error\":", line_number);
  wcfpolicy::append_error_json(out, error);
  out += '}';
}

// JSON Lines in, JSON Lines out, in order, one line in memory at a time.
int run_batch(const JsonCommandOptions& options) {
  InputSource input(options.file);
  Output out;
  // A peer that writes a request and waits for its answer gets it before we wait for more input.
  input.set_before_wait([&out] { out.flush(); });
  const wcfpolicy::JsonOptions json_options{.explain = options.explain};
  std::string line;
  std::string answer;
  std::size_t line_number = 0;
  bool any_bad = false;
  while (input.next_line(line)) {
    ++line_number;
    if (is_blank(line)) continue;
    answer.clear();
    std::optional<wcfpolicy::RequestError> error;
    if (input.truncated()) {
      error = wcfpolicy::RequestError{
          "", fmt::format("the line is longer than {} bytes: not a request", kMaxRequestBytes)};
    } else {
      error = wcfpolicy::evaluate_json(line, answer, json_options);
    }
    if (error) {
      append_line_error(answer, line_number, *error);
      any_bad = true;
    }
    answer += '\n';
    out.write(answer);
  }
  out.flush();
  return any_bad ? kBadInput : kAnswered;
}

void add_explain_flag(CLI::App& command, bool& explain) {
  command.add_flag("--explain", explain,
                   "Add \"explanation\" to each answer: the steps taken, each with its rule and the "
                   "inputs it read");
}

}  // namespace

void add_json_commands(CLI::App& app, int& status) {
  auto query_options = std::make_shared<JsonCommandOptions>();
  CLI::App* query = add_command(app, "query", "Answer one JSON request (from FILE, or standard input) with one JSON line");
  query->add_option("FILE", query_options->file, "The request; - or nothing for standard input")->type_name("");
  add_explain_flag(*query, query_options->explain);
  query->footer(
      "A request is a JSON object whose \"question\" is impersonation, token_level, delegation_reach,\n"
      "scenario, winrm_proxy or winrm_config, with that question's inputs as fields. A request that\n"
      "cannot be answered prints \"policy-eval: error: ...\" (naming the field) and exits with 2.\n\n"
      "Example:\n"
      "  echo '{\"question\":\"impersonation\",\"impersonation_option\":\"Allowed\",\n"
      "         \"impersonate_caller_for_all_operations\":true}' | policy-eval query\n"
      "  {\"question\":\"impersonation\",\"outcome\":\"impersonates\",\"rules\":[\"IO-3\"]}\n");
  query->callback([query_options, &status] { status = run_query(*query_options); });

  auto batch_options = std::make_shared<JsonCommandOptions>();
  CLI::App* batch = add_command(app, "batch", "Answer JSON Lines: one answer line per request line, in order");
  batch->add_option("FILE", batch_options->file, "The requests, one JSON object a line; - or nothing for standard input")
      ->type_name("");
  add_explain_flag(*batch, batch_options->explain);
  batch->footer(
      "Blank lines are skipped (and counted). A bad line gets {\"line\":N,\"error\":{\"field\":...,\n"
      "\"message\":...}} in its place (N counts from 1); the other lines are still answered, and the\n"
      "exit status is then 2. Input is read and answered a line at a time, at constant memory.\n\n"
      "Example:\n"
      "  policy-eval batch requests.jsonl > answers.jsonl\n");
  batch->callback([batch_options, &status] { status = run_batch(*batch_options); });
}

}  // namespace policy_eval
